/*
 * Peningkatan progresif untuk situs Layanan Informasi dan Pengaduan.
 * Semua fungsi situs tetap berjalan tanpa skrip ini. Tanpa kerangka kerja,
 * tanpa penangan inline (sesuai Content-Security-Policy).
 *
 * Teks yang ditampilkan skrip ini diambil dari halaman (atribut data-teks*, diisi template dari
 * config.toml dalam bahasa halaman); teks bahasa Indonesia di bawah hanya cadangan.
 */
(function () {
  "use strict";

  var BATAS_ISI = 5000;

  /* Kunci idempotensi acak: 16 bita dari crypto.getRandomValues, 32 karakter heksadesimal. */
  function kunciAcak() {
    var c = window.crypto || window.msCrypto;
    if (!c || !c.getRandomValues) {
      return "";
    }
    var bita = new Uint8Array(16);
    c.getRandomValues(bita);
    var hasil = "";
    for (var i = 0; i < bita.length; i += 1) {
      hasil += (bita[i] < 16 ? "0" : "") + bita[i].toString(16);
    }
    return hasil;
  }

  /* Teks dari atribut `nama` elemen, atau `cadangan` bila tidak ada. */
  function teksDari(el, nama, cadangan) {
    var teks = el ? el.getAttribute(nama) : null;
    return teks || cadangan;
  }

  /* Ganti {n}, {max}, {over} dalam pola dengan nilainya. */
  function isiPola(pola, nilai) {
    return pola.replace(/\{(\w+)\}/g, function (semua, kunci) {
      return Object.prototype.hasOwnProperty.call(nilai, kunci) ? String(nilai[kunci]) : semua;
    });
  }

  /* Jumlah karakter seperti dihitung server: titik kode Unicode, bukan unit UTF-16. */
  function jumlahKarakter(teks) {
    return Array.from ? Array.from(teks).length : teks.length;
  }

  function siapkanFormulirPengaduan(form) {
    var kunci = form.querySelector('input[name="idempotency_key"]');
    var tombol = form.querySelector('button[type="submit"]');
    var sedangMengirim = false;

    function isiKunci() {
      if (kunci) {
        kunci.value = kunciAcak();
      }
    }

    function aktifkanTombol() {
      sedangMengirim = false;
      if (tombol) {
        tombol.disabled = false;
        tombol.removeAttribute("aria-disabled");
      }
    }

    // Satu kunci untuk setiap kali halaman dimuat: kiriman ganda dari halaman yang sama
    // dianggap satu pengaduan oleh server.
    isiKunci();

    // Cegah kiriman ganda: klik kedua diabaikan dan tombol dinonaktifkan.
    form.addEventListener("submit", function (event) {
      if (sedangMengirim) {
        event.preventDefault();
        return;
      }
      sedangMengirim = true;
      if (tombol) {
        // Ditunda agar nilai tombol (jika ada) tetap ikut terkirim.
        window.setTimeout(function () {
          tombol.disabled = true;
          tombol.setAttribute("aria-disabled", "true");
        }, 0);
      }
    });

    // Kembali ke halaman ini lewat tombol "Kembali" (bfcache): aktifkan lagi tombol kirim.
    // Halaman yang dipulihkan dianggap pemuatan baru, jadi kuncinya juga diperbarui, sama
    // seperti ketika halaman dimuat ulang dari jaringan. Tanpa ini, pengaduan baru yang
    // diketik setelah kembali akan dianggap sama dengan pengaduan sebelumnya.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        aktifkanTombol();
        isiKunci();
      }
    });

    // Penghitung karakter untuk "isi".
    var isi = form.querySelector("#isi");
    var penghitung = document.getElementById("isi-count");
    if (isi && penghitung) {
      var batas = parseInt(isi.getAttribute("data-maxlength"), 10) || BATAS_ISI;
      var jeda = null;
      var polaJumlah = teksDari(penghitung, "data-teks", "{n} dari {max} karakter");
      var polaLebih = teksDari(penghitung, "data-teks-lebih", "(kelebihan {over} karakter)");
      var perbarui = function () {
        var n = jumlahKarakter(isi.value);
        var teks = isiPola(polaJumlah, { n: n, max: batas });
        if (n > batas) {
          teks += " " + isiPola(polaLebih, { over: n - batas });
          penghitung.classList.add("character-count--over");
        } else {
          penghitung.classList.remove("character-count--over");
        }
        penghitung.textContent = teks;
      };
      perbarui();
      isi.addEventListener("input", function () {
        // Tunda sedikit agar pembaca layar tidak mengumumkan setiap ketukan tombol.
        window.clearTimeout(jeda);
        jeda = window.setTimeout(perbarui, 400);
      });
    }

    // Pilihan anonim: tidak ada isian yang disembunyikan; petunjuk nama dan kontak
    // berubah menjadi "tidak wajib".
    var anonim = form.querySelector("#anonim");
    var tandaWajib = form.querySelectorAll(".js-wajib");
    if (anonim && tandaWajib.length) {
      var tandai = function () {
        for (var i = 0; i < tandaWajib.length; i += 1) {
          var el = tandaWajib[i];
          if (!el.hasAttribute("data-teks-asli")) {
            el.setAttribute("data-teks-asli", el.textContent);
          }
          el.textContent = anonim.checked
            ? teksDari(el, "data-teks-anonim", "Tidak wajib, karena Anda memilih anonim.")
            : el.getAttribute("data-teks-asli");
        }
      };
      tandai();
      anonim.addEventListener("change", tandai);
    }
  }

  /* Ringkasan galat: fokuskan saat halaman dimuat; tautannya memfokuskan isian terkait. */
  function siapkanRingkasanGalat(ringkasan) {
    ringkasan.focus();
    ringkasan.addEventListener("click", function (event) {
      var tautan = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!tautan) {
        return;
      }
      var sasaran = document.getElementById(tautan.getAttribute("href").slice(1));
      if (!sasaran || sasaran.type === "hidden") {
        return;
      }
      event.preventDefault();
      // Gulir ke label atau legenda agar pertanyaannya ikut terlihat.
      var label = document.querySelector("label[for='" + sasaran.id + "']");
      var fieldset = sasaran.closest ? sasaran.closest("fieldset") : null;
      var legenda = fieldset ? fieldset.querySelector("legend") : null;
      var judul = (sasaran.type === "radio" && legenda) ? legenda : (label || sasaran);
      if (judul.scrollIntoView) {
        judul.scrollIntoView();
      }
      sasaran.focus({ preventScroll: true });
    });
  }

  /*
   * "Cetak bukti": tanpa skrip, tautan ke tampilan cetak (?cetak=1); dengan skrip, tombol yang
   * langsung membuka dialog cetak peramban (aturan cetak di site.css menjadikan halaman ini satu
   * halaman bukti penerimaan). Di tampilan cetak, tombol yang tersembunyi ditampilkan.
   */
  function siapkanCetak(el) {
    if (typeof window.print !== "function") {
      return;
    }
    var tombol = el;
    /* Tanpa JavaScript tombol ini mengirim formulir tampilan cetak; dengan JavaScript ia mencetak. */
    if (el.tagName === "BUTTON" && el.form) {
      el.type = "button";
    }
    if (el.tagName === "A") {
      tombol = document.createElement("button");
      tombol.type = "button";
      tombol.className = el.className;
      tombol.textContent = el.textContent;
      tombol.setAttribute("data-cetak", "");
      el.parentNode.replaceChild(tombol, el);
    }
    tombol.hidden = false;
    tombol.addEventListener("click", function () {
      window.print();
    });
    var petunjuk = document.querySelector("[data-cetak-petunjuk]");
    if (petunjuk) {
      petunjuk.textContent = teksDari(petunjuk, "data-teks", "Tekan tombol Cetak bukti di bawah ini.");
    }
  }

  /* Prosedur yang dilipat (<details>) tercetak lengkap, lalu kembali seperti semula. */
  function siapkanCetakProsedur() {
    var dibuka = [];
    window.addEventListener("beforeprint", function () {
      var lipatan = document.querySelectorAll("details.procedure:not([open])");
      for (var i = 0; i < lipatan.length; i += 1) {
        lipatan[i].open = true;
        dibuka.push(lipatan[i]);
      }
    });
    window.addEventListener("afterprint", function () {
      while (dibuka.length) {
        dibuka.pop().open = false;
      }
    });
  }

  function mulai() {
    if (document.querySelector("details.procedure")) {
      siapkanCetakProsedur();
    }
    var cetak = document.querySelectorAll("[data-cetak]");
    for (var i = 0; i < cetak.length; i += 1) {
      siapkanCetak(cetak[i]);
    }
    var form = document.getElementById("form-pengaduan");
    if (form) {
      siapkanFormulirPengaduan(form);
    }
    var ringkasan = document.getElementById("ringkasan-galat");
    if (ringkasan) {
      siapkanRingkasanGalat(ringkasan);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mulai);
  } else {
    mulai();
  }
})();
