/*
 * Attachments checked and fitted in the browser before anything is sent, and the upload's
 * progress shown. Without this script the form posts as before and the server checks
 * everything; with it, a wrong file is named at once instead of after a long upload, a photo
 * too large is downscaled to fit instead of refused, and a dropped connection keeps the
 * chosen files. The server checks everything again either way.
 *
 * The limits come from the file input's data attributes (the server's own, written by the
 * template), the texts from its data-teks-* attributes, in the page's language.
 */
(function () {
  "use strict";

  var MIB = 1024 * 1024;
  // Photos are redrawn at most this long on their longest side, then made smaller until they fit.
  var LONGEST_SIDE = 2560;
  var PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];

  function text(el, name, fallback) {
    return el.getAttribute(name) || fallback;
  }

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  /* A size as people read it: "1,4 MB", "350 KB". */
  function size(bytes, lang) {
    var decimal = lang === "en" ? "." : ",";
    if (bytes >= MIB) {
      return (Math.round((bytes / MIB) * 10) / 10).toString().replace(".", decimal) + " MB";
    }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  /* The file's kind by its first bytes, as the server sniffs it: null when not allowed. */
  function sniff(file) {
    return file.slice(0, 12).arrayBuffer().then(function (buf) {
      var b = new Uint8Array(buf);
      var starts = function (sig, at) {
        for (var i = 0; i < sig.length; i += 1) {
          if (b[(at || 0) + i] !== sig[i]) {
            return false;
          }
        }
        return true;
      };
      if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) {
        return "application/pdf";
      }
      if (starts([0xff, 0xd8, 0xff])) {
        return "image/jpeg";
      }
      if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
        return "image/png";
      }
      if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) {
        return "image/webp";
      }
      return null;
    });
  }

  function encode(canvas, quality) {
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, "image/jpeg", quality);
    });
  }

  /*
   * The photo redrawn as a JPEG of at most `limit` bytes, upright as the camera meant it
   * (createImageBitmap applies the EXIF orientation), or null when it cannot be made to fit.
   */
  function downscale(file, limit) {
    if (!window.createImageBitmap || !window.HTMLCanvasElement) {
      return Promise.resolve(null);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
      var attempt = function (tries) {
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(bitmap.width * scale));
        canvas.height = Math.max(1, Math.round(bitmap.height * scale));
        var ctx = canvas.getContext("2d");
        // A transparent PNG turns white, not black, as a JPEG.
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return encode(canvas, 0.82).then(function (blob) {
          if (blob && blob.size <= limit) {
            return blob;
          }
          if (tries >= 8) {
            return null;
          }
          scale *= 0.75;
          return attempt(tries + 1);
        });
      };
      return attempt(0).then(function (blob) {
        if (bitmap.close) {
          bitmap.close();
        }
        if (!blob) {
          return null;
        }
        var stem = file.name.replace(/\.[^.]*$/, "") || "foto";
        return new File([blob], stem + ".jpg", { type: "image/jpeg", lastModified: file.lastModified });
      });
    }, function () {
      return null;
    });
  }

  function setUp(input) {
    var form = input.form;
    if (!form || !window.FormData || !window.XMLHttpRequest || !window.DataTransfer || !window.Promise) {
      return;
    }
    var lang = document.documentElement.lang === "en" ? "en" : "id";
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var maxFile = parseInt(input.getAttribute("data-max-file"), 10);
    var maxTotal = parseInt(input.getAttribute("data-max-total"), 10);
    var group = input.closest(".form-group") || input.parentNode;
    var button = form.querySelector('button[type="submit"]');

    // What was chosen and what became of it, read by screen readers as it changes.
    var status = document.createElement("div");
    status.className = "upload-status";
    status.id = input.id + "-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", status);

    var problem = null;
    var busy = null;

    function showError(message) {
      problem = message;
      var el = document.getElementById(input.id + "-error");
      if (!el) {
        el = document.createElement("p");
        el.id = input.id + "-error";
        el.className = "error-message";
        input.insertAdjacentElement("beforebegin", el);
      }
      el.textContent = message;
      group.classList.add("form-group--error");
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(el.id) < 0) {
        described.push(el.id);
        input.setAttribute("aria-describedby", described.join(" ").trim());
      }
    }

    function clearError() {
      problem = null;
      var el = document.getElementById(input.id + "-error");
      if (el) {
        el.parentNode.removeChild(el);
      }
      group.classList.remove("form-group--error");
      input.removeAttribute("aria-invalid");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== input.id + "-error";
      });
      input.setAttribute("aria-describedby", described.join(" "));
    }

    function list(files, notes) {
      status.textContent = "";
      if (!files.length) {
        return;
      }
      var ul = document.createElement("ul");
      ul.className = "upload-status__list";
      files.forEach(function (f, i) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + size(f.size, lang) + ")" + (notes[i] ? " " + notes[i] : "");
        ul.appendChild(li);
      });
      status.appendChild(ul);
    }

    function check() {
      clearError();
      var chosen = Array.prototype.slice.call(input.files || []);
      if (!chosen.length) {
        list([], []);
        return Promise.resolve();
      }
      if (chosen.length > maxFiles) {
        showError(fill(text(input, "data-teks-jumlah", "Lampirkan paling banyak {max} berkas"), { max: maxFiles }));
        list([], []);
        return Promise.resolve();
      }
      status.textContent = text(input, "data-teks-periksa", "Memeriksa berkas…");
      return Promise.all(chosen.map(sniff)).then(function (kinds) {
        for (var i = 0; i < chosen.length; i += 1) {
          if (!kinds[i]) {
            var bad = text(input, "data-teks-jenis", "Berkas \"{nama}\" bukan PDF, JPEG, PNG, atau WebP");
            showError(fill(bad, { nama: chosen[i].name }));
            list([], []);
            return null;
          }
        }
        // Photos are fitted largest first, each to what the others leave of the total.
        var out = chosen.slice();
        var notes = chosen.map(function () {
          return "";
        });
        var order = chosen
          .map(function (f, i) {
            return i;
          })
          .sort(function (a, b) {
            return chosen[b].size - chosen[a].size;
          });
        var total = function () {
          return out.reduce(function (sum, f) {
            return sum + f.size;
          }, 0);
        };
        var step = function (k) {
          if (k >= order.length) {
            return out;
          }
          var i = order[k];
          var others = total() - out[i].size;
          var limit = Math.min(maxFile, maxTotal - others);
          if (out[i].size <= limit) {
            return step(k + 1);
          }
          if (PHOTO_TYPES.indexOf(kinds[i]) < 0 || limit <= 0) {
            return step(k + 1);
          }
          return downscale(chosen[i], limit).then(function (smaller) {
            if (smaller) {
              out[i] = smaller;
              notes[i] = fill(text(input, "data-teks-diperkecil", "— diperkecil dari {dari}"), {
                dari: size(chosen[i].size, lang),
              });
            }
            return step(k + 1);
          });
        };
        return Promise.resolve(step(0)).then(function (files) {
          for (var j = 0; j < files.length; j += 1) {
            if (files[j].size > maxFile) {
              var big = text(input, "data-teks-ukuran", "Berkas \"{nama}\" lebih dari {max} MB");
              showError(fill(big, { nama: files[j].name, max: maxFile / MIB }));
              list([], []);
              return null;
            }
          }
          if (total() > maxTotal) {
            showError(fill(text(input, "data-teks-total", "Ukuran semua lampiran lebih dari {max} MB"), { max: maxTotal / MIB }));
            list([], []);
            return null;
          }
          if (files.some(function (f, n) { return f !== chosen[n]; })) {
            var dt = new DataTransfer();
            files.forEach(function (f) {
              dt.items.add(f);
            });
            // Setting files fires no change event: no loop.
            input.files = dt.files;
          }
          list(files, notes);
          return null;
        });
      });
    }

    input.addEventListener("change", function () {
      busy = check();
    });

    function progress(percent) {
      status.textContent = fill(text(input, "data-teks-kemajuan", "Mengunggah… {persen} %"), { persen: percent });
    }

    function enable() {
      if (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      }
    }

    // Capture phase: this runs before site.js's double-submit guard, which then sees a
    // cancelled event and leaves the button to this script.
    form.addEventListener(
      "submit",
      function (event) {
        // Another origin's form address would need CORS on its redirect too: post as usual.
        var target = new URL(form.action, window.location.href);
        if (!input.files || !input.files.length || target.origin !== window.location.origin) {
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        if (button && button.disabled) {
          return;
        }
        if (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        }
        Promise.resolve(busy).then(function () {
          if (problem) {
            enable();
            input.focus();
            return;
          }
          var files = Array.prototype.slice.call(input.files);
          progress(0);
          direct(target, files).then(
            function (keys) {
              var data = new FormData(form);
              if (keys) {
                // The files are in the bucket already: the form names them instead.
                data.delete(input.name);
                keys.forEach(function (key, i) {
                  data.append("unggahan_" + (i + 1), key);
                  data.append("unggahan_nama_" + (i + 1), files[i].name);
                });
              }
              send(data, !keys);
            },
            function () {
              interrupted();
            }
          );
        });
      },
      true
    );

    function interrupted() {
      status.textContent = text(input, "data-teks-putus", "Pengiriman terputus. Isian dan berkas Anda masih ada: kirim lagi.");
      enable();
    }

    /*
     * On AWS a request to the API is at most 6 MB, so files go straight to the bucket: the API
     * signs one form per file (POST …/unggah), each file is posted with its form, and the keys
     * come back. Resolves to null where the API takes files with the form (site-gen serve's
     * folder: it answers 404), so the form carries them as before.
     */
    function direct(target, files) {
      var address = target.pathname.replace(/\/pengaduan(\/lengkapi)?\/?$/, "/unggah");
      if (address === target.pathname || !window.fetch) {
        return Promise.resolve(null);
      }
      // Each form fixes the type the file's first bytes show (the server judges the content again).
      return Promise.all(files.map(sniff))
        .then(function (kinds) {
          if (kinds.indexOf(null) >= 0) {
            return null;
          }
          var body = kinds.map(function (k) {
            return "jenis=" + encodeURIComponent(k);
          });
          return fetch(address, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
            body: body.join("&"),
          });
        })
        .then(function (r) {
          return r && r.ok ? r.json() : null;
        })
        .then(function (signed) {
          if (!signed || !signed.unggahan || signed.unggahan.length !== files.length) {
            return null;
          }
          var total = files.reduce(function (sum, f) {
            return sum + f.size;
          }, 0);
          var done = 0;
          var keys = [];
          var next = function (i) {
            if (i >= files.length) {
              return keys;
            }
            return post(signed.unggahan[i], files[i], function (loaded) {
              progress(Math.floor(((done + loaded) / Math.max(1, total)) * 100));
            }).then(function () {
              done += files[i].size;
              keys.push(signed.unggahan[i].kunci);
              return next(i + 1);
            });
          };
          return next(0);
        });
    }

    /* One file posted to the bucket with its signed fields; rejects unless the bucket took it. */
    function post(signed, file, onProgress) {
      return new Promise(function (resolve, reject) {
        var data = new FormData();
        signed.isian.forEach(function (pair) {
          data.append(pair[0], pair[1]);
        });
        data.append("file", file);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", signed.alamat);
        xhr.upload.addEventListener("progress", function (e) {
          onProgress(e.loaded);
        });
        xhr.addEventListener("load", function () {
          if (xhr.status >= 200 && xhr.status < 300) {
            resolve();
          } else {
            reject(new Error("bucket answered " + xhr.status));
          }
        });
        xhr.addEventListener("error", reject);
        xhr.send(data);
      });
    }

    /* The form sent to the API; with its files, its own progress is the upload's. */
    function send(data, withFiles) {
      var target = new URL(form.action, window.location.href);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (withFiles && e.lengthComputable) {
          progress(Math.floor((e.loaded / e.total) * 100));
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== target.href) {
          // Followed the redirect to the confirmation: show it at its own address.
          window.location.assign(xhr.responseURL);
          return;
        }
        // The form again with the server's messages (or a refusal): show that page.
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", interrupted);
      xhr.send(data);
    }
  }

  function start() {
    var inputs = document.querySelectorAll('input[type="file"][data-max-file]');
    for (var i = 0; i < inputs.length; i += 1) {
      setUp(inputs[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
