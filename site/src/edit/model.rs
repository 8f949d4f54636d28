//! Structured fields beside the editor's text: the holiday calendar as rows and the service
//! page's facts, read from a file's text and written back into it. Pure functions on text, for
//! the console's forms; writing goes through `toml_edit`, so the file's comments, layout and
//! every key the form does not show are kept, and a value the form did not change keeps its
//! bytes. What is written is checked as any text is, by [`super::check_with`].

use super::{Refusal, locate};
use crate::diagnostics::toml_message;
use pengaduan_core::calendar::HolidayKind;
use serde::{Deserialize, Serialize};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// The calendar's path, relative to `content/`, for refusals.
const CALENDAR: &str = "data/hari-libur.toml";

/// The holiday calendar as the console's form shows it: per year, its decree and its days.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HolidayRows {
    /// The `[[tahun]]` blocks, in the file's order.
    pub years: Vec<HolidayYear>,
}

/// One `[[tahun]]` block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HolidayYear {
    /// The year.
    pub year: i64,
    /// The decree its days come from (`skb`); empty when the file names none.
    pub skb: String,
    /// Its days: the national holidays, then the cuti bersama, each list in the file's order.
    pub days: Vec<HolidayRow>,
}

/// One day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Its name.
    pub name: String,
    /// Its list: national holiday or cuti bersama.
    pub kind: DayKind,
}

/// Which list a day is in, as the form's choice names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// `libur`: a national holiday (`libur_nasional`).
    Libur,
    /// `cuti`: cuti bersama (`cuti_bersama`).
    Cuti,
}

impl DayKind {
    /// The form's value: `libur` or `cuti`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Libur => "libur",
            Self::Cuti => "cuti",
        }
    }

    /// Reads the form's value.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "libur" => Some(Self::Libur),
            "cuti" => Some(Self::Cuti),
            _ => None,
        }
    }

    /// The file's list for this kind.
    fn list(self) -> &'static str {
        match self {
            Self::Libur => "libur_nasional",
            Self::Cuti => "cuti_bersama",
        }
    }
}

impl From<HolidayKind> for DayKind {
    fn from(kind: HolidayKind) -> Self {
        match kind {
            HolidayKind::LiburNasional => Self::Libur,
            HolidayKind::CutiBersama => Self::Cuti,
        }
    }
}

/// Reads the calendar's rows from its text. Only TOML syntax is required here; the calendar's
/// rules are [`super::check_with`]'s.
pub fn holiday_rows(text: &str) -> Result<HolidayRows, Refusal> {
    let doc = parse_document(CALENDAR, text, 0)?;
    let Some(blocks) = doc.get("tahun").and_then(Item::as_array_of_tables) else {
        return Ok(HolidayRows::default());
    };
    let years = blocks
        .iter()
        .map(|block| {
            let year = block.get("tahun").and_then(Item::as_integer).unwrap_or_default();
            let skb = block.get("skb").and_then(Item::as_str).unwrap_or_default().to_owned();
            let days =
                [DayKind::Libur, DayKind::Cuti].into_iter().flat_map(|kind| days_of(block, kind, false)).collect();
            HolidayYear { year, skb, days }
        })
        .collect();
    Ok(HolidayRows { years })
}

/// The days of one list of a block, as rows; with `raw`, each date exactly as written (a quoted
/// one with its quotes), to tell whether the file already says what the rows say.
fn days_of(block: &Table, kind: DayKind, raw: bool) -> Vec<HolidayRow> {
    let row = |date: Option<&Value>, name: Option<&Value>| HolidayRow {
        // A quoted date shows without its quotes, so the form writes it back as a date.
        date: date.map(|d| if raw { plain(d) } else { shown_date(d) }).unwrap_or_default(),
        name: name.and_then(Value::as_str).unwrap_or_default().to_owned(),
        kind,
    };
    match block.get(kind.list()) {
        Some(Item::Value(Value::Array(items))) => items
            .iter()
            .map(|v| {
                let t = v.as_inline_table();
                row(t.and_then(|t| t.get("tanggal")), t.and_then(|t| t.get("nama")))
            })
            .collect(),
        Some(Item::ArrayOfTables(tables)) => tables
            .iter()
            .map(|t| row(t.get("tanggal").and_then(Item::as_value), t.get("nama").and_then(Item::as_value)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A date as the form shows it: `2026-01-01`, also when the file quotes it.
fn shown_date(value: &Value) -> String {
    match (value.as_datetime(), value.as_str()) {
        (Some(date), _) => date.to_string(),
        (None, Some(text)) => text.to_owned(),
        (None, None) => plain(value),
    }
}

/// A value as the editor wrote it, without its decoration (a quoted date stays quoted).
fn plain(value: &Value) -> String {
    let mut value = value.clone();
    value.decor_mut().clear();
    value.to_string()
}

/// Writes `rows` into the calendar's text: each year's `skb` and lists replaced where they
/// differ, years no longer in `rows` removed, new years appended. Lists the rows leave as they
/// were keep their bytes, and so do the comments, so reading the rows and writing them back
/// unchanged gives the same text. A date that is not `YYYY-MM-DD` is refused.
pub fn apply_holidays(text: &str, rows: &HolidayRows) -> Result<String, Refusal> {
    let mut doc = parse_document(CALENDAR, text, 0)?;
    if doc.get("tahun").and_then(Item::as_array_of_tables).is_none() {
        doc.insert("tahun", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let blocks = doc.get_mut("tahun").and_then(Item::as_array_of_tables_mut).expect("inserted above");
    // Years the rows no longer have, from the end so the indices stay right.
    let kept: Vec<i64> = rows.years.iter().map(|y| y.year).collect();
    let gone: Vec<usize> = (blocks.iter().enumerate())
        .filter(|(_, b)| !b.get("tahun").and_then(Item::as_integer).is_some_and(|y| kept.contains(&y)))
        .map(|(i, _)| i)
        .collect();
    // The file's header comment belongs to the first block: it stays at the top when that goes.
    let header = blocks.get(0).and_then(|b| b.decor().prefix()).and_then(|p| p.as_str()).map(str::to_owned);
    let first_gone = gone.first() == Some(&0);
    for i in gone.into_iter().rev() {
        blocks.remove(i);
    }
    if let (true, Some(header), Some(first)) = (first_gone, header, blocks.get_mut(0)) {
        first.decor_mut().set_prefix(header);
    }
    for year in &rows.years {
        let existing = blocks.iter_mut().find(|b| b.get("tahun").and_then(Item::as_integer) == Some(year.year));
        let block = match existing {
            Some(block) => block,
            None => {
                let mut block = Table::new();
                block.insert("tahun", toml_edit::value(year.year));
                blocks.push(block);
                blocks.iter_mut().last().expect("pushed")
            }
        };
        set_skb(block, &year.skb);
        for kind in [DayKind::Libur, DayKind::Cuti] {
            let wanted: Vec<&HolidayRow> = year.days.iter().filter(|d| d.kind == kind).collect();
            let unchanged = days_of(block, kind, true).iter().eq(wanted.iter().copied());
            if !unchanged || !block.contains_key(kind.list()) {
                block.insert(kind.list(), Item::Value(Value::Array(day_list(&wanted)?)));
            }
        }
    }
    Ok(doc.to_string())
}

/// Sets a block's `skb` (removed when empty), right after `tahun` when it is new.
fn set_skb(block: &mut Table, skb: &str) {
    let skb = skb.trim();
    if skb.is_empty() {
        block.remove("skb");
        return;
    }
    if let Some(item) = block.get_mut("skb") {
        if item.as_str() != Some(skb) {
            set_value(item, Value::from(skb));
        }
        return;
    }
    // Keys are shown in insertion order: take the lists out and put them back after it.
    let lists: Vec<_> = ["libur_nasional", "cuti_bersama"].iter().filter_map(|k| block.remove_entry(k)).collect();
    block.insert("skb", toml_edit::value(skb));
    for (key, item) in lists {
        block.insert_formatted(&key, item);
    }
}

/// A list of days as the shipped file writes it: one `{ tanggal = ..., nama = "..." }` a line,
/// indented by two spaces, each followed by a comma.
fn day_list(days: &[&HolidayRow]) -> Result<Array, Refusal> {
    let mut array = Array::new();
    for day in days {
        let date: toml_edit::Datetime = day.date.trim().parse().map_err(|_| {
            Refusal::new(CALENDAR, format!("tanggal \"{}\" tidak valid; tulis TTTT-BB-HH, mis. 2027-01-01", day.date))
        })?;
        if date.date.is_none() || date.time.is_some() {
            return Err(Refusal::new(CALENDAR, format!("tanggal \"{}\" harus tanggal saja (TTTT-BB-HH)", day.date)));
        }
        let mut entry = InlineTable::new();
        entry.insert("tanggal", Value::from(date));
        entry.insert("nama", Value::from(day.name.trim()));
        entry.fmt();
        let mut value = Value::InlineTable(entry);
        value.decor_mut().set_prefix("\n  ");
        array.push_formatted(value);
    }
    array.set_trailing_comma(!days.is_empty());
    array.set_trailing(if days.is_empty() { "" } else { "\n" });
    Ok(array)
}

/// A service page's facts as the console's form shows them (`[service]` of its front matter).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceFacts {
    /// `[service.time_limit]`.
    pub time_limit: TimeLimitFacts,
    /// `fee`.
    pub fee: String,
    /// `[[service.channels]]`, in order.
    pub channels: Vec<ChannelFacts>,
    /// `[[service.procedures]]`, in order.
    pub procedures: Vec<ProcedureFacts>,
}

/// The time limit in working days and when the clock starts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TimeLimitFacts {
    /// `min_working_days`.
    pub min_working_days: i64,
    /// `max_working_days`.
    pub max_working_days: i64,
    /// `starts`.
    pub starts: String,
}

/// One channel of the service.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChannelFacts {
    /// `name`.
    pub name: String,
    /// `description`.
    pub description: String,
    /// `url`, when it has one.
    pub url: Option<String>,
}

/// One procedure. The page states no duration per procedure (the time limit is the service's),
/// so there is none here.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProcedureFacts {
    /// `id`, recorded on each complaint.
    pub id: String,
    /// `title`, its name on the page.
    pub title: String,
    /// `product`.
    pub product: String,
    /// `[[service.procedures.steps]]`, in order.
    pub steps: Vec<StepFacts>,
}

/// One step. Codes are kept as written (`diproses`, `jft`): the check names a wrong one's line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepFacts {
    /// `actor`.
    pub actor: String,
    /// `action`.
    pub action: String,
    /// `public_status`, when the step shows one.
    pub public_status: Option<String>,
    /// `peran`, the staff role taking the step.
    pub peran: Option<String>,
    /// `assigns` (`nomor_ba`), when the step assigns something.
    pub assigns: Option<String>,
}

/// Reads a service page's facts from its text. Only TOML syntax is required here (missing keys
/// read as empty); the page's rules are [`super::check_with`]'s.
pub fn service_facts(path: &str, text: &str) -> Result<ServiceFacts, Refusal> {
    let (front, offset) = front_of(path, text)?;
    let doc = parse_document(path, front, offset)?;
    let Some(service) = doc.get("service").and_then(Item::as_table_like) else {
        return Err(Refusal::new(path, "halaman ini tidak memuat [service]"));
    };
    let str_of = |t: &dyn toml_edit::TableLike, k: &str| t.get(k).and_then(Item::as_str).unwrap_or_default().to_owned();
    let opt_of = |t: &dyn toml_edit::TableLike, k: &str| t.get(k).and_then(Item::as_str).map(str::to_owned);
    let int_of = |t: &dyn toml_edit::TableLike, k: &str| t.get(k).and_then(Item::as_integer).unwrap_or_default();
    let time_limit = match service.get("time_limit").and_then(Item::as_table_like) {
        Some(t) => TimeLimitFacts {
            min_working_days: int_of(t, "min_working_days"),
            max_working_days: int_of(t, "max_working_days"),
            starts: str_of(t, "starts"),
        },
        None => TimeLimitFacts::default(),
    };
    let tables = |t: &dyn toml_edit::TableLike, k: &str| -> Vec<Table> {
        t.get(k).and_then(Item::as_array_of_tables).map(|a| a.iter().cloned().collect()).unwrap_or_default()
    };
    let channels = tables(service, "channels")
        .iter()
        .map(|c| ChannelFacts { name: str_of(c, "name"), description: str_of(c, "description"), url: opt_of(c, "url") })
        .collect();
    let procedures = tables(service, "procedures")
        .iter()
        .map(|p| ProcedureFacts {
            id: str_of(p, "id"),
            title: str_of(p, "title"),
            product: str_of(p, "product"),
            steps: tables(p, "steps")
                .iter()
                .map(|s| StepFacts {
                    actor: str_of(s, "actor"),
                    action: str_of(s, "action"),
                    public_status: opt_of(s, "public_status"),
                    peran: opt_of(s, "peran"),
                    assigns: opt_of(s, "assigns"),
                })
                .collect(),
        })
        .collect();
    Ok(ServiceFacts { time_limit, fee: str_of(service, "fee"), channels, procedures })
}

/// Writes `facts` into the service page's front matter, keeping the body, the other keys and
/// the comments; a value equal to the file's keeps its bytes, so facts read and written back
/// unchanged give the same text. Channels, procedures and steps are matched by position:
/// extra ones in the file are removed, new ones appended after the last of their kind.
pub fn apply_service_facts(path: &str, text: &str, facts: &ServiceFacts) -> Result<String, Refusal> {
    let (front, offset) = front_of(path, text)?;
    let mut doc = parse_document(path, front, offset)?;
    let Some(service) = doc.get_mut("service").and_then(Item::as_table_mut) else {
        return Err(Refusal::new(path, "halaman ini tidak memuat [service]"));
    };
    set_str(service, "fee", &facts.fee);
    if !service.contains_key("time_limit") {
        service.insert("time_limit", Item::Table(Table::new()));
    }
    if let Some(limit) = service.get_mut("time_limit").and_then(Item::as_table_mut) {
        set_int(limit, "min_working_days", facts.time_limit.min_working_days);
        set_int(limit, "max_working_days", facts.time_limit.max_working_days);
        set_str(limit, "starts", &facts.time_limit.starts);
    }
    resize_tables(service, "channels", facts.channels.len());
    if let Some(channels) = service.get_mut("channels").and_then(Item::as_array_of_tables_mut) {
        for (table, c) in channels.iter_mut().zip(&facts.channels) {
            set_str(table, "name", &c.name);
            set_str(table, "description", &c.description);
            set_opt(table, "url", c.url.as_deref());
        }
    }
    resize_tables(service, "procedures", facts.procedures.len());
    if let Some(procedures) = service.get_mut("procedures").and_then(Item::as_array_of_tables_mut) {
        for (table, p) in procedures.iter_mut().zip(&facts.procedures) {
            set_str(table, "id", &p.id);
            set_str(table, "title", &p.title);
            set_str(table, "product", &p.product);
            resize_tables(table, "steps", p.steps.len());
            let Some(steps) = table.get_mut("steps").and_then(Item::as_array_of_tables_mut) else { continue };
            for (step, s) in steps.iter_mut().zip(&p.steps) {
                set_str(step, "actor", &s.actor);
                set_str(step, "action", &s.action);
                set_opt(step, "public_status", s.public_status.as_deref());
                set_opt(step, "assigns", s.assigns.as_deref());
                set_opt(step, "peran", s.peran.as_deref());
            }
        }
    }
    let start = front.as_ptr() as usize - text.as_ptr() as usize;
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start]);
    out.push_str(&doc.to_string());
    out.push_str(&text[start + front.len()..]);
    Ok(out)
}

/// Makes the array of tables `key` of `table` hold `len` tables: the last ones removed, or new
/// empty ones appended after the last of the file's (placed by position, so they are written
/// right after it rather than at the end of the front matter).
fn resize_tables(table: &mut Table, key: &str, len: usize) {
    if len == 0 {
        table.remove(key);
        return;
    }
    if !table.contains_key(key) {
        table.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let Some(tables) = table.get_mut(key).and_then(Item::as_array_of_tables_mut) else { return };
    while tables.len() > len {
        tables.remove(tables.len() - 1);
    }
    while tables.len() < len {
        let mut new = Table::new();
        // The position right after the last table; toml_edit orders tables by it, and a
        // position equal to the next table's keeps the new one first among equals.
        let last = tables.iter().last().and_then(last_position);
        new.set_position(last.map(|p| p + 1));
        tables.push(new);
    }
}

/// The greatest position of `table` and the tables under it.
fn last_position(table: &Table) -> Option<isize> {
    let own = table.position();
    let nested = table.iter().filter_map(|(_, item)| match item {
        Item::Table(t) => last_position(t),
        Item::ArrayOfTables(a) => a.iter().filter_map(last_position).max(),
        _ => None,
    });
    own.into_iter().chain(nested).max()
}

/// Replaces the value of `item` keeping its decoration (spaces, a trailing comment).
fn set_value(item: &mut Item, mut value: Value) {
    if let Some(old) = item.as_value() {
        *value.decor_mut() = old.decor().clone();
    }
    *item = Item::Value(value);
}

fn set_str(table: &mut Table, key: &str, new: &str) {
    match table.get_mut(key) {
        Some(item) if item.as_str() == Some(new) => {}
        Some(item) => set_value(item, Value::from(new)),
        None => {
            table.insert(key, toml_edit::value(new));
        }
    }
}

fn set_opt(table: &mut Table, key: &str, new: Option<&str>) {
    match new.map(str::trim).filter(|s| !s.is_empty()) {
        Some(new) => set_str(table, key, new),
        None => {
            table.remove(key);
        }
    }
}

fn set_int(table: &mut Table, key: &str, new: i64) {
    match table.get_mut(key) {
        Some(item) if item.as_integer() == Some(new) => {}
        Some(item) => set_value(item, Value::from(new)),
        None => {
            table.insert(key, toml_edit::value(new));
        }
    }
}

/// A page's front matter and the lines before it, or a refusal saying it has none.
fn front_of<'a>(path: &str, text: &'a str) -> Result<(&'a str, usize), Refusal> {
    locate::front_matter_at(text).ok_or_else(|| Refusal {
        line: Some(1),
        ..Refusal::new(path, "front matter di antara baris +++ tidak ditemukan")
    })
}

/// Parses TOML (a whole file, or a front matter whose first line is line `offset + 1`), a
/// syntax error refused with its line.
fn parse_document(path: &str, toml: &str, offset: usize) -> Result<DocumentMut, Refusal> {
    toml.parse::<DocumentMut>().map_err(|e| {
        let line = e.span().map(|s| crate::diagnostics::LineIndex::new(toml).line(s.start) + offset);
        Refusal { line, ..Refusal::new(path, toml_message(e.message())) }
    })
}

#[cfg(test)]
mod tests;
