//! The public statistics page (`/statistik/`, its translations) and its open data
//! (`/statistik/data.json`, `/statistik/data.csv`).
//!
//! How they enter the site: the site build renders them from a figures file it finds in the
//! output folder, [`FIGURES_FILE`] (core's [`Figures`] as JSON), written there by whoever reads
//! the store (`pengaduan-staf statistik`, `site-gen serve`'s background task, `publish-fn` on
//! AWS: daily and with every publish). The page is an ordinary content page (`content/statistik.md` with
//! `template = "statistik.html"`, its translation beside it), so it has a place in the sitemap,
//! the language switch, the search and the link checks like every page; the two data files are
//! files of the build like `aturan-layanan.json`. Because the build itself writes all of them,
//! its stale-file removal ([`crate::output::Writer`]) never deletes them, and a build without
//! figures (a fresh checkout, a production build that was given none) writes the page saying so
//! and no data files, rather than figures of nothing. The figures file sits beside the build's
//! cache and, like it, never leaves the output folder (`infra/deploy.sh` skips `.site-gen-*`; no
//! extension, so its `*.json` pass does not pick it up either).
//!
//! The library knows nothing of the store: computing the figures is core's
//! ([`pengaduan_core::stats`]), reading their inputs is `pengaduan-report`'s. Here they are only
//! laid out: the charts' geometry (horizontal bars, which stay readable at 360 px) and the
//! words of the page's language from `config.toml`'s `[languages.*.stats]`; the template draws
//! the SVG.

use crate::config::SiteConfig;
use crate::output::OutputFile;
use pengaduan_core::stats::{Breakdown, Cell, Figures};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// The figures file the build reads, in the output folder.
pub const FIGURES_FILE: &str = ".site-gen-statistik";
/// The template of statistics pages: rendered on every build that has figures.
pub const TEMPLATE: &str = "statistik.html";
/// The open data, in the output folder.
pub const DATA_JSON: &str = "statistik/data.json";
/// The open data as CSV.
pub const DATA_CSV: &str = "statistik/data.csv";

/// The figures the last computation left in the output folder `out`; `None` when there are
/// none. A file that does not read as figures is an error naming it.
pub fn load(out: &Path) -> Result<Option<Figures>, String> {
    let path = out.join(FIGURES_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes `figures` for the next build into the output folder `out` (whole or not at all: a
/// build reading it meanwhile sees the old file or the new one).
pub fn save(out: &Path, figures: &Figures) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let bytes = serde_json::to_vec_pretty(figures).map_err(|e| e.to_string())?;
    let tmp = out.join(format!("{FIGURES_FILE}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, out.join(FIGURES_FILE)).map_err(|e| format!("{FIGURES_FILE}: {e}"))
}

/// The open data files of `figures`: the JSON (the figures as computed) and the same figures
/// as one CSV table.
pub fn data_files(figures: &Figures) -> Vec<OutputFile> {
    let mut json = serde_json::to_string_pretty(figures).expect("figures serialise");
    json.push('\n');
    vec![
        OutputFile::new(DATA_JSON.into(), json.into_bytes()),
        OutputFile::new(DATA_CSV.into(), csv(figures).into_bytes()),
    ]
}

/// The CSV: one row per figure group (`bagian`: `terbuka`, `bulan`, `jenis`, `kanal`, `ikm`),
/// each column with one meaning throughout, empty where it does not apply, "< 3" where the page
/// shows it. The `terbuka` row's `kode` is when the figures were computed (RFC 3339).
pub fn csv(f: &Figures) -> String {
    const COLUMNS: usize = 15;
    let mut out = String::from(
        "bagian,kode,label,diterima,selesai,selesai_tepat_waktu,persen_tepat_waktu,median_hari_kerja,sementara,terbuka,dari,sampai,responden,ikm,mutu\r\n",
    );
    let mut row = |cells: &[(usize, String)]| {
        let mut line = vec![String::new(); COLUMNS];
        for (i, c) in cells {
            line[*i] = csv_cell(c);
        }
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    row(&[(0, "terbuka".into()), (1, f.diperbarui.clone()), (9, f.terbuka.to_string())]);
    for m in &f.bulan {
        row(&[
            (0, "bulan".into()),
            (1, m.bulan.clone()),
            (3, m.diterima.to_string()),
            (4, m.selesai.to_string()),
            (5, m.selesai_tepat_waktu.to_string()),
            (6, opt(m.persen_tepat_waktu)),
            (7, opt(m.median_hari_kerja)),
            (8, if m.sementara { "ya" } else { "tidak" }.into()),
        ]);
    }
    for (part, rows) in [("jenis", &f.jenis), ("kanal", &f.kanal)] {
        for b in rows {
            row(&[
                (0, part.into()),
                (1, b.kode.clone()),
                (2, b.label.clone()),
                (3, b.diterima.text()),
                (4, b.selesai.text()),
                (5, b.selesai_tepat_waktu.text()),
                (10, f.dari.clone()),
                (11, f.sampai.clone()),
            ]);
        }
    }
    for q in &f.ikm {
        row(&[
            (0, "ikm".into()),
            (1, q.triwulan.clone()),
            (10, q.dari.to_string()),
            (11, q.sampai.to_string()),
            (12, q.responden.to_string()),
            (13, opt(q.ikm)),
            (14, q.mutu.clone().unwrap_or_default()),
        ]);
    }
    out
}

/// A CSV cell, quoted when it must be; a cell a spreadsheet would run as a formula is not a
/// concern here, since every cell is a number, a code or a label of ours.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// Width of a chart's drawing, in its own units; the page scales it to the column.
const WIDTH: f64 = 360.0;
/// How wide a label's character is drawn, on average, at the chart's 12-unit font: the labels'
/// column is as wide as the longest needs.
const CHAR_WIDTH: f64 = 6.8;
/// Room right of the longest bar for its value.
const VALUE_ROOM: f64 = 56.0;
/// One bar's thickness.
const BAR: f64 = 13.0;
/// Space between rows.
const GAP: f64 = 7.0;
/// Height of the legend above the bars.
const LEGEND: f64 = 26.0;

/// One series of a chart: its name and how its bars are filled (`solid` or `hatched`, so that
/// no series is told from another by colour alone).
struct Series<'a> {
    name: &'a str,
    style: &'static str,
}

/// A bar's value (none: no bar, as for "< 3") and the text written after it.
type Bar = (Option<f64>, String);
/// A chart's row: its label and one bar per series.
type Row = (String, Vec<Bar>);

/// A horizontal bar chart: a row per label, a bar per series, the value written after each bar
/// (an exact count, or "< 3" with no bar). `max` is the value of a full-width bar.
fn chart(id: &str, series: &[Series<'_>], rows: &[Row], max: f64) -> Value {
    let legend = if series.len() > 1 { LEGEND } else { 0.0 };
    let longest = rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    let label_width = (longest as f64 * CHAR_WIDTH + 10.0).round();
    let span = WIDTH - label_width - VALUE_ROOM;
    let mut y = legend + 4.0;
    let mut out_rows = Vec::new();
    for (label, values) in rows {
        let row_height = BAR * values.len() as f64;
        let mut bars = Vec::new();
        for (i, (value, text)) in values.iter().enumerate() {
            let by = y + BAR * i as f64;
            let width = match value {
                Some(v) if max > 0.0 => (v / max * span).max(if *v > 0.0 { 1.5 } else { 0.0 }),
                _ => 0.0,
            };
            bars.push(json!({
                "x": label_width, "y": by + 1.0, "width": round1(width), "height": BAR - 2.0,
                "style": series[i].style,
                "text": text, "text_x": round1(label_width + width + 4.0), "text_y": by + BAR - 3.0,
            }));
        }
        out_rows.push(json!({ "label": label, "label_y": y + row_height / 2.0 + 4.0, "bars": bars }));
        y += row_height + GAP;
    }
    // One series needs no legend: the chart's title names it.
    let legend_items: Vec<Value> = series
        .iter()
        .filter(|_| series.len() > 1)
        .enumerate()
        .map(|(i, s)| json!({ "name": s.name, "style": s.style, "x": 150.0 * i as f64, "text_x": 150.0 * i as f64 + 18.0 }))
        .collect();
    json!({
        "id": id,
        "width": WIDTH,
        "height": y - GAP + 4.0,
        "axis_x": label_width,
        "axis_top": legend,
        "rows": out_rows,
        "legend": legend_items,
    })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A number as the page's language writes it: a decimal comma in Indonesian.
fn number(x: f64, lang: &str) -> String {
    let text = if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") };
    if lang == "id" { text.replace('.', ",") } else { text }
}

/// The statistics as the template `statistik.html` sees them (`statistik`): every figure as
/// text in the page's language, and the charts' geometry.
pub fn page_value(f: &Figures, config: &SiteConfig, lang: &str) -> Value {
    let empty = BTreeMap::new();
    let words = config.languages.get(lang).map(|l| &l.stats).unwrap_or(&empty);
    let word = |key: &str| words.get(key).cloned().unwrap_or_default();
    let months_long: Vec<String> = word("months").split_whitespace().map(str::to_owned).collect();
    let months_short: Vec<String> = word("months_short").split_whitespace().map(str::to_owned).collect();
    let month_name = |key: &str, names: &[String]| -> String {
        let (y, m) = key.split_once('-').unwrap_or((key, "1"));
        let i = m.parse::<usize>().unwrap_or(1).saturating_sub(1);
        names.get(i).map(|n| format!("{n} {y}")).unwrap_or_else(|| key.to_owned())
    };
    let none = word("none");
    let pct = |p: Option<f64>| p.map(|p| format!("{}%", number(p, lang))).unwrap_or_else(|| none.clone());

    let months: Vec<Value> = f
        .bulan
        .iter()
        .map(|m| {
            json!({
                "key": m.bulan, "label": month_name(&m.bulan, &months_long),
                "diterima": m.diterima, "selesai": m.selesai, "tepat": m.selesai_tepat_waktu,
                "persen": pct(m.persen_tepat_waktu),
                "median": m.median_hari_kerja.map(|x| number(x, lang)).unwrap_or_else(|| none.clone()),
                "sementara": m.sementara,
            })
        })
        .collect();
    let total = |g: fn(&pengaduan_core::stats::Month) -> u64| f.bulan.iter().map(g).sum::<u64>();
    let (diterima, selesai, tepat) = (total(|m| m.diterima), total(|m| m.selesai), total(|m| m.selesai_tepat_waktu));
    let short = |m: &str| month_name(m, &months_short);

    let received_finished = chart(
        "grafik-bulanan",
        &[Series { name: &word("received"), style: "solid" }, Series { name: &word("finished"), style: "hatched" }],
        &f.bulan
            .iter()
            .map(|m| {
                (
                    short(&m.bulan),
                    vec![
                        (Some(m.diterima as f64), m.diterima.to_string()),
                        (Some(m.selesai as f64), m.selesai.to_string()),
                    ],
                )
            })
            .collect::<Vec<_>>(),
        f.bulan.iter().map(|m| m.diterima.max(m.selesai)).max().unwrap_or(0) as f64,
    );
    let on_time = chart(
        "grafik-tepat-waktu",
        &[Series { name: &word("on_time_share"), style: "solid" }],
        &f.bulan
            .iter()
            .map(|m| {
                let text = match m.persen_tepat_waktu {
                    Some(_) => format!("{}{}", pct(m.persen_tepat_waktu), if m.sementara { "*" } else { "" }),
                    None => none.clone(),
                };
                (short(&m.bulan), vec![(m.persen_tepat_waktu, text)])
            })
            .collect::<Vec<_>>(),
        100.0,
    );
    let breakdown = |rows: &[Breakdown], prefix: &str| -> (Vec<Value>, Vec<Row>, f64) {
        let label =
            |b: &Breakdown| words.get(&format!("{prefix}{}", b.kode)).cloned().unwrap_or_else(|| b.label.clone());
        let value = |c: Cell| match c {
            Cell::Exact(n) => (Some(n as f64), n.to_string()),
            Cell::Small => (None, c.text()),
        };
        let table = rows
            .iter()
            .map(|b| {
                json!({ "label": label(b), "diterima": b.diterima.text(), "selesai": b.selesai.text(),
                        "tepat": b.selesai_tepat_waktu.text() })
            })
            .collect();
        let bars = rows.iter().map(|b| (label(b), vec![value(b.diterima), value(b.selesai)])).collect();
        let max = rows
            .iter()
            .flat_map(|b| [b.diterima, b.selesai])
            .filter_map(|c| match c {
                Cell::Exact(n) => Some(n),
                Cell::Small => None,
            })
            .max()
            .unwrap_or(0) as f64;
        (table, bars, max)
    };
    let two =
        [Series { name: &word("received"), style: "solid" }, Series { name: &word("finished"), style: "hatched" }];
    let (jenis, jenis_bars, jenis_max) = breakdown(&f.jenis, "jenis_");
    let (kanal, kanal_bars, kanal_max) = breakdown(&f.kanal, "kanal_");
    let quarter_label = |k: &str| {
        let (y, q) = k.split_once('-').unwrap_or((k, ""));
        word("quarter").replace("{q}", q).replace("{tahun}", y)
    };
    let ikm: Vec<Value> = f
        .ikm
        .iter()
        .map(|q| {
            json!({
                "label": quarter_label(&q.triwulan),
                "sampai": day(q.sampai, &months_long),
                "berjalan": q.berjalan,
                "responden": q.responden,
                "ikm": q.ikm.map(|x| format!("{x:.2}")).map(|t| if lang == "id" { t.replace('.', ",") } else { t }).unwrap_or_else(|| none.clone()),
                "mutu": q.mutu.as_deref().map(|m| format!("{m} ({})", word(&format!("grade_{m}")))).unwrap_or_else(|| none.clone()),
            })
        })
        .collect();
    let ikm_chart = chart(
        "grafik-ikm",
        &[Series { name: &word("ikm"), style: "solid" }],
        &f.ikm
            .iter()
            .map(|q| {
                let text = match (q.ikm, &q.mutu) {
                    (Some(v), Some(m)) => format!("{} ({m})", number((v * 10.0).round() / 10.0, lang)),
                    _ => none.clone(),
                };
                (quarter_label(&q.triwulan), vec![(q.ikm, text)])
            })
            .collect::<Vec<_>>(),
        100.0,
    );
    let period = format!("{} – {}", month_name(&f.dari, &months_long), month_name(&f.sampai, &months_long));
    let fill = |key: &str| word(key).replace("{periode}", &period);
    json!({
        "updated_iso": f.diperbarui,
        "updated": updated_text(&f.diperbarui, &months_long, lang),
        "period": period,
        "terbuka": f.terbuka,
        "diterima": diterima,
        "selesai": selesai,
        "tepat": tepat,
        "persen": pct((selesai > 0).then(|| (tepat as f64 * 1000.0 / selesai as f64).round() / 10.0)),
        "months": months,
        "any_sementara": f.bulan.iter().any(|m| m.sementara),
        "jenis": jenis,
        "kanal": kanal,
        "ikm": ikm,
        "alt": {
            "bulanan": fill("chart_monthly_alt"),
            "tepat": fill("chart_on_time_alt"),
            "jenis": fill("chart_kind_alt"),
            "kanal": fill("chart_channel_alt"),
            "ikm": fill("chart_ikm_alt"),
        },
        "charts": {
            "bulanan": received_finished,
            "tepat": on_time,
            "jenis": chart("grafik-jenis", &two, &jenis_bars, jenis_max),
            "kanal": chart("grafik-kanal", &two, &kanal_bars, kanal_max),
            "ikm": ikm_chart,
        },
    })
}

/// `7 Desember 2026`.
fn day(d: jiff::civil::Date, months: &[String]) -> String {
    let name = months.get(usize::from(d.month().unsigned_abs()).saturating_sub(1)).cloned().unwrap_or_default();
    format!("{} {name} {}", d.day(), d.year())
}

/// "7 Desember 2026, 10.00 WIB" from the RFC 3339 time the figures were computed at, in the
/// office's offset; the time zone named as Indonesians name it when it is one of theirs.
fn updated_text(rfc3339: &str, months: &[String], lang: &str) -> String {
    let Ok(z) = rfc3339.parse::<jiff::Timestamp>() else { return rfc3339.to_owned() };
    let offset = rfc3339.get(19..).unwrap_or("");
    let zone = match offset {
        "+07:00" => "WIB".to_owned(),
        "+08:00" => "WITA".to_owned(),
        "+09:00" => "WIT".to_owned(),
        "Z" | "+00:00" => "UTC".to_owned(),
        other => format!("UTC{other}"),
    };
    let seconds = offset
        .strip_prefix(['+', '-'])
        .and_then(|hm| hm.split_once(':'))
        .and_then(|(h, m)| Some(h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
        .map(|s| if offset.starts_with('-') { -s } else { s })
        .unwrap_or(0);
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(seconds).unwrap_or(jiff::tz::Offset::UTC));
    let local = z.to_zoned(tz);
    let sep = if lang == "id" { "." } else { ":" };
    format!("{}, {:02}{sep}{:02} {zone}", day(local.date(), months), local.hour(), local.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures for May 2026 (WIB) from four complaints: three on the web form, one by telephone.
    fn figures() -> Figures {
        use pengaduan_core::Jenis;
        use pengaduan_core::calendar::Calendar;
        use pengaduan_core::stats::{StatRow, compute};
        use pengaduan_core::workflow::IntakeChannel;
        let row = |at: &str, channel| StatRow {
            received_at: at.parse().unwrap(),
            channel,
            jenis: Jenis::Pengaduan,
            complete_on: None,
            finished_on: None,
            deadline: None,
        };
        let rows = [
            row("2026-05-04T02:00:00Z", IntakeChannel::Web),
            row("2026-05-05T02:00:00Z", IntakeChannel::Web),
            row("2026-05-06T02:00:00Z", IntakeChannel::Web),
            row("2026-05-07T02:00:00Z", IntakeChannel::Telepon),
        ];
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(7));
        compute(&rows, &[], &Calendar::default(), &tz, "2026-05-20T03:00:00Z".parse().unwrap())
    }

    fn config() -> SiteConfig {
        SiteConfig::parse(include_str!("../../config.toml")).unwrap()
    }

    #[test]
    fn a_small_cell_is_written_without_a_bar_and_the_words_are_the_page_language() {
        let f = figures();
        let v = page_value(&f, &config(), "id");
        let kanal = &v["charts"]["kanal"]["rows"];
        let row = |label: &str| kanal.as_array().unwrap().iter().find(|r| r["label"] == label).unwrap().clone();
        let web = row("Formulir daring");
        assert_eq!(web["bars"][0]["text"], "3");
        assert!(web["bars"][0]["width"].as_f64().unwrap() > 0.0);
        let telepon = row("Telepon");
        assert_eq!(
            (telepon["bars"][0]["text"].as_str(), telepon["bars"][0]["width"].as_f64()),
            (Some("< 3"), Some(0.0))
        );
        assert_eq!(v["kanal"][1]["diterima"], "< 3");
        assert_eq!(v["charts"]["kanal"]["legend"].as_array().unwrap().len(), 2, "two series, a legend");
        assert!(v["charts"]["ikm"]["legend"].as_array().unwrap().is_empty(), "one series, none");
        assert_eq!(v["period"], "Juni 2025 – Mei 2026");
        assert_eq!(v["charts"]["bulanan"]["rows"][11]["label"], "Mei 2026");
        let en = page_value(&f, &config(), "en");
        assert_eq!(en["period"], "June 2025 – May 2026");
        assert_eq!(en["kanal"][0]["label"], "Online form");
        assert!(en["alt"]["kanal"].as_str().unwrap().contains("June 2025 – May 2026"));
    }

    #[test]
    fn the_csv_holds_every_figure_in_fixed_columns() {
        let text = csv(&figures());
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        let width = lines[0].split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == width), "{text}");
        // Heading, terbuka, 12 months, 3 kinds, 8 channels, 4 quarters.
        assert_eq!(lines.len(), 1 + 1 + 12 + 3 + 8 + 4);
        assert!(text.contains("\r\nbulan,2026-05,,4,0,0,,,tidak,"), "{text}");
        assert!(text.contains("\r\nkanal,web,Formulir daring,3,< 3,< 3,"), "{text}");
    }

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        assert_eq!(csv_cell("LAPOR!"), "LAPOR!");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("< 3"), "< 3");
    }

    #[test]
    fn numbers_take_the_language_decimal_mark() {
        assert_eq!(number(4.5, "id"), "4,5");
        assert_eq!(number(4.5, "en"), "4.5");
        assert_eq!(number(11.0, "id"), "11");
    }

    #[test]
    fn the_update_time_is_shown_in_the_office_zone() {
        let months: Vec<String> =
            "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
                .split(' ')
                .map(str::to_owned)
                .collect();
        assert_eq!(updated_text("2026-12-07T10:05:00+07:00", &months, "id"), "7 Desember 2026, 10.05 WIB");
    }
}
