//! The console's structured fields beside the editor's text: the holiday calendar as rows and
//! the service page's facts, read from a file's text and written back into it. Pure functions on
//! text; writing goes through `toml_edit`, so the file's comments, layout and every key the form
//! does not show are kept, and a value the form did not change keeps its bytes. Core reads these
//! files for the rules ([`crate::calendar`], [`crate::service`]); reading and writing them for
//! the forms sits beside that. What is written is still checked as any text is, by the site.

use crate::access::{Role, may_take_steps};
use crate::calendar::HolidayKind;
use crate::status::Status;
use serde::{Deserialize, Serialize};
use std::fmt;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// Why a form's values or a file's text were refused: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The 1-based line of the whole file (front matter included), for a text that does not parse.
    pub line: Option<usize>,
    /// The structured field at fault, numbered from 1 as an editor counts rows:
    /// `service.time_limit.max_working_days`, `service.channels[2].name`,
    /// `service.procedures[1].steps[3].peran`, `tahun[2].skb`, `tahun[2].hari[3].tanggal` (the
    /// form's rows of that year: national holidays, then cuti bersama).
    pub field: Option<String>,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
    /// For a TOML syntax error, the parser's own description, which a host with a fuller
    /// translation of TOML's messages may word better than `message`.
    pub toml: Option<String>,
}

impl FormError {
    /// A refusal of the field `field`.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { line: None, field: Some(field.into()), message: message.into(), toml: None }
    }

    /// A refusal of the whole text.
    pub fn text(message: impl Into<String>) -> Self {
        Self { line: None, field: None, message: message.into(), toml: None }
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "baris {line}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for FormError {}

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
/// rules are the site's check's.
pub fn holiday_rows(text: &str) -> Result<HolidayRows, FormError> {
    let doc = parse_document(text, 0)?;
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
pub fn apply_holidays(text: &str, rows: &HolidayRows) -> Result<String, FormError> {
    check_holidays(rows)?;
    let mut doc = parse_document(text, 0)?;
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

/// The years a calendar may hold: beyond these a year is a typing mistake.
const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

/// Refuses rows no calendar can hold, naming the field: a year out of range or given twice, a
/// date that is not `YYYY-MM-DD` or not in its block's year, a day without a name. The
/// calendar's own rules (a day listed twice, a weekend) stay the site's check, which names the
/// line.
pub fn check_holidays(rows: &HolidayRows) -> Result<(), FormError> {
    for (y, year) in rows.years.iter().enumerate() {
        let at = |rest: &str| format!("tahun[{}]{rest}", y + 1);
        if !YEARS.contains(&year.year) {
            return Err(FormError::field(
                at(".tahun"),
                format!("tahun {} di luar rentang {}–{}", year.year, YEARS.start(), YEARS.end()),
            ));
        }
        if rows.years[..y].iter().any(|other| other.year == year.year) {
            return Err(FormError::field(
                at(".tahun"),
                format!("tahun {} sudah ada; tambahkan harinya pada blok tahun itu", year.year),
            ));
        }
    }
    // The days after every year is known good: a year typed wrong is the mistake to name, not
    // each of its days.
    for (y, year) in rows.years.iter().enumerate() {
        let at = |rest: &str| format!("tahun[{}]{rest}", y + 1);
        for (d, day) in year.days.iter().enumerate() {
            let field = |key: &str| at(&format!(".hari[{}].{key}", d + 1));
            let written = day.date.trim();
            let date: jiff::civil::Date = match written.parse() {
                Ok(date) if written.len() == 10 => date,
                _ => {
                    return Err(FormError::field(
                        field("tanggal"),
                        format!("tanggal \"{written}\" tidak valid; tulis TTTT-BB-HH, mis. {}-01-01", year.year),
                    ));
                }
            };
            if i64::from(date.year()) != year.year {
                return Err(FormError::field(
                    field("tanggal"),
                    format!("tanggal {written} tidak berada di tahun {}", year.year),
                ));
            }
            if day.name.trim().is_empty() {
                return Err(FormError::field(field("nama"), format!("nama hari libur {written} wajib diisi")));
            }
        }
    }
    Ok(())
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
fn day_list(days: &[&HolidayRow]) -> Result<Array, FormError> {
    let mut array = Array::new();
    for day in days {
        let date: toml_edit::Datetime = day.date.trim().parse().map_err(|_| {
            FormError::text(format!("tanggal \"{}\" tidak valid; tulis TTTT-BB-HH, mis. 2027-01-01", day.date))
        })?;
        if date.date.is_none() || date.time.is_some() {
            return Err(FormError::text(format!("tanggal \"{}\" harus tanggal saja (TTTT-BB-HH)", day.date)));
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
    /// `contact`: `alamat` or the name of an office channel in config.toml, shown beside it.
    pub contact: Option<String>,
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
/// read as empty); the page's rules are the site's check's.
pub fn service_facts(text: &str) -> Result<ServiceFacts, FormError> {
    let (front, offset) = front_of(text)?;
    let doc = parse_document(front, offset)?;
    let Some(service) = doc.get("service").and_then(Item::as_table_like) else {
        return Err(FormError::text("halaman ini tidak memuat [service]"));
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
        .map(|c| ChannelFacts {
            name: str_of(c, "name"),
            description: str_of(c, "description"),
            url: opt_of(c, "url"),
            contact: opt_of(c, "contact"),
        })
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
pub fn apply_service_facts(text: &str, facts: &ServiceFacts) -> Result<String, FormError> {
    check_service_facts(facts)?;
    let (front, offset) = front_of(text)?;
    let mut doc = parse_document(front, offset)?;
    let Some(service) = doc.get_mut("service").and_then(Item::as_table_mut) else {
        return Err(FormError::text("halaman ini tidak memuat [service]"));
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
            set_opt(table, "contact", c.contact.as_deref());
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

/// Refuses facts the workflow could not follow, naming the field: a time limit without days or
/// whose least is above its most, an empty fee or channel name, a step's role that takes no
/// steps, a public status or an `assigns` that core does not know. The procedures' order rules
/// (which step starts the clock, where `selesai` may stand) stay the site's check.
pub fn check_service_facts(facts: &ServiceFacts) -> Result<(), FormError> {
    let limit = &facts.time_limit;
    if limit.max_working_days < 1 || limit.max_working_days > 365 {
        return Err(FormError::field(
            "service.time_limit.max_working_days",
            "jangka waktu paling lama harus 1 sampai 365 hari kerja",
        ));
    }
    if limit.min_working_days < 0 || limit.min_working_days > limit.max_working_days {
        return Err(FormError::field(
            "service.time_limit.min_working_days",
            format!(
                "jangka waktu paling cepat ({}) harus 0 sampai jangka waktu paling lama ({} hari kerja)",
                limit.min_working_days, limit.max_working_days
            ),
        ));
    }
    if facts.fee.trim().is_empty() {
        return Err(FormError::field("service.fee", "biaya wajib diisi; tulis \"Tidak dipungut biaya\" bila gratis"));
    }
    for (c, channel) in facts.channels.iter().enumerate() {
        if channel.name.trim().is_empty() {
            return Err(FormError::field(format!("service.channels[{}].name", c + 1), "nama saluran wajib diisi"));
        }
    }
    let roles: Vec<&str> = Role::ALL.into_iter().filter(|r| may_take_steps(*r)).map(Role::code).collect();
    for (p, procedure) in facts.procedures.iter().enumerate() {
        for (i, step) in procedure.steps.iter().enumerate() {
            let field = |key: &str| format!("service.procedures[{}].steps[{}].{key}", p + 1, i + 1);
            if step.actor.trim().is_empty() {
                return Err(FormError::field(field("actor"), "pelaku langkah wajib diisi"));
            }
            if let Some(peran) = step.peran.as_deref().map(str::trim).filter(|s| !s.is_empty())
                && !Role::parse(peran).is_some_and(may_take_steps)
            {
                return Err(FormError::field(
                    field("peran"),
                    format!("peran \"{peran}\" tidak mengerjakan langkah prosedur; pilihan: {}", roles.join(", ")),
                ));
            }
            if let Some(status) = step.public_status.as_deref().map(str::trim).filter(|s| !s.is_empty())
                && status.parse::<Status>().is_err()
            {
                let known: Vec<&str> = Status::ALL.iter().map(|s| s.code()).collect();
                return Err(FormError::field(
                    field("public_status"),
                    format!("status \"{status}\" tidak dikenal; pilihan: {}", known.join(", ")),
                ));
            }
            if let Some(assigns) = step.assigns.as_deref().map(str::trim).filter(|s| !s.is_empty())
                && assigns != "nomor_ba"
            {
                return Err(FormError::field(
                    field("assigns"),
                    format!("\"{assigns}\" tidak dikenal; langkah hanya dapat memberi nomor_ba"),
                ));
            }
        }
    }
    Ok(())
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

/// A page's front matter and how many lines of the file come before it, or a refusal saying it
/// has none.
fn front_of(text: &str) -> Result<(&str, usize), FormError> {
    let front = crate::service::front_matter(text)
        .ok_or(FormError { line: Some(1), ..FormError::text("front matter di antara baris +++ tidak ditemukan") })?;
    let start = front.as_ptr() as usize - text.as_ptr() as usize;
    Ok((front, text[..start].matches('\n').count()))
}

/// Parses TOML (a whole file, or a front matter whose first line is line `offset + 1`), a
/// syntax error refused with its line.
fn parse_document(toml: &str, offset: usize) -> Result<DocumentMut, FormError> {
    toml.parse::<DocumentMut>().map_err(|e| {
        let line = e.span().map(|s| toml[..s.start.min(toml.len())].matches('\n').count() + 1 + offset);
        let description = e.message().trim().to_owned();
        FormError {
            line,
            field: None,
            message: format!("TOML tidak sah: {}", crate::calendar::translate_toml_message(&description)),
            toml: Some(description),
        }
    })
}

#[cfg(test)]
mod tests;
