/*
 * Halaman pencarian (/cari/, /en/search/). Kotak pencarian di kepala halaman mengirim kata ke
 * /api/cari, yang menjawab di server dengan halaman ini berisi halaman-halaman yang cocok:
 * jawaban itu sudah lengkap, jadi di sana tidak ada yang dimuat lagi (issue 23: halaman hasil
 * yang ringan dan tidak bergeser). Di halaman pencarian tanpa kata, pencarian langsung Pagefind
 * (indeks yang ditulis site-gen di /pagefind/) dimuat; daftar semua halaman baru disembunyikan
 * ketika hasil pertama datang, setelah pengguna mengetik. Tanpa skrip ini halaman tetap
 * menampilkan daftar semua halaman, atau hasil dari server.
 */
(function () {
  "use strict";

  function muat(wadah, lalu) {
    var bundle = wadah.getAttribute("data-bundle") || "/pagefind/";
    var gaya = document.createElement("link");
    gaya.rel = "stylesheet";
    gaya.href = bundle + "pagefind-ui.css";
    document.head.appendChild(gaya);
    var skrip = document.createElement("script");
    skrip.src = bundle + "pagefind-ui.js";
    skrip.onload = lalu;
    document.head.appendChild(skrip);
  }

  function mulai() {
    var wadah = document.getElementById("pencarian");
    var daftar = document.getElementById("semua-halaman");
    // The server already answered a query: its list is the answer.
    if (!wadah || (daftar && daftar.querySelector("[role=status]"))) {
      return;
    }
    muat(wadah, function () {
      if (typeof window.PagefindUI !== "function") {
        return;
      }
      // eslint-disable-next-line no-new
      new window.PagefindUI({
        element: "#pencarian",
        showImages: false,
        showSubResults: true,
        resetStyles: false,
        // The list of every page stays until results replace it (after the visitor typed, so
        // the page does not jump on its own).
        processResult: function (hasil) {
          if (daftar) {
            daftar.hidden = true;
          }
          return hasil;
        }
      });
      // Pagefind's box has only a title; a screen reader needs a real name for it.
      var kotak = wadah.querySelector("input");
      if (kotak && wadah.getAttribute("data-label")) {
        kotak.setAttribute("aria-label", wadah.getAttribute("data-label"));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mulai);
  } else {
    mulai();
  }
})();
