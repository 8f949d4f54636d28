//! `GET /api/cari?q=...&lang=id|en`: the site's search without JavaScript (issue 23). The header's
//! search box sends its query here, so it is answered on the server both under `site-gen serve`
//! and on AWS, where the site itself is static files. The answer is the site's own search page
//! with the pages holding every word, made by core's [`pengaduan_core::search::answer`] from the
//! pages file the build publishes (`pencarian.json`), which the host hands in
//! ([`App::set_search`]).

use super::app::App;
use super::respond::{self, error_response, html_response, redirect};
use bytes::Bytes;
use http::{Response, StatusCode};
use pengaduan_core::Lang;
use pengaduan_core::search::{Answer, answer};
use pengaduan_store::ComplaintStore;

/// Answers the query `q` in `lang`: the results page; an empty query goes to the search page,
/// which lists every page.
pub(super) fn search<S: ComplaintStore>(app: &App<S>, q: &str, wants_json: bool, lang: Lang) -> Response<Bytes> {
    let Some(site) = app.search() else {
        return respond::unavailable(
            app,
            wants_json,
            lang,
            lang.pick(
                "Pencarian belum tersedia. Silakan coba lagi beberapa saat lagi, atau buka menu situs.",
                "Search is not available yet. Please try again in a few moments, or use the site's menu.",
            ),
        );
    };
    match answer(&site, lang, q) {
        // form-fn's own policy: the answer is final and loads no index, so no WebAssembly;
        // its `connect-src 'self'` serves the live-reload script of a page `serve` built.
        Answer::Page(html) => html_response(StatusCode::OK, html),
        Answer::Empty(url) => redirect(&url),
        Answer::NoSearch => error_response(
            app,
            StatusCode::NOT_FOUND,
            wants_json,
            lang,
            lang.pick("Halaman tidak ditemukan", "Page not found"),
            lang.pick("Situs ini tidak memiliki halaman pencarian.", "This site has no search page."),
        ),
    }
}
