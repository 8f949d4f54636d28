/*
 * Halaman pencarian (/cari/): menjalankan antarmuka bawaan Pagefind pada indeks yang ditulis
 * site-gen di /pagefind/, dengan kata dari alamat (?q=...). Tanpa skrip ini halaman tetap
 * menampilkan daftar semua halaman; daftar itu disembunyikan setelah pencarian langsung siap.
 */
(function () {
  "use strict";

  function mulai() {
    var wadah = document.getElementById("pencarian");
    if (!wadah || typeof window.PagefindUI !== "function") {
      return;
    }
    var ui = new window.PagefindUI({
      element: "#pencarian",
      showImages: false,
      showSubResults: true,
      resetStyles: false
    });
    // Pagefind's box has only a title; a screen reader needs a real name for it.
    var kotak = wadah.querySelector("input");
    if (kotak && wadah.getAttribute("data-label")) {
      kotak.setAttribute("aria-label", wadah.getAttribute("data-label"));
    }
    var daftar = document.getElementById("semua-halaman");
    if (daftar) {
      daftar.hidden = true;
    }
    var q = new URLSearchParams(window.location.search).get("q");
    var kotakKepala = document.getElementById("cari-situs");
    if (q && kotakKepala) {
      kotakKepala.value = q;
    }
    if (q && ui.triggerSearch) {
      ui.triggerSearch(q);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mulai);
  } else {
    mulai();
  }
})();
