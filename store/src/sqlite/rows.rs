//! Register rows and history entries as SQLite holds them.

use super::backend;
use crate::fields::{parse_action, parse_channel, parse_date, parse_jenis, parse_status, parse_ts};
use crate::{RegisterRow, StoreError};
use jiff::civil::Date;
use pengaduan_core::RegisterNumber;
use pengaduan_core::Status;
use pengaduan_core::workflow::{HistoryEntry, WorkflowState};
use rusqlite::{Connection, params};

/// The register columns [`raw_row`] reads.
pub(super) const ROW_COLUMNS: &str = "nomor, received_at, channel, jenis, judul, status, procedure_id, step_index, \
    files_complete_on, clock_events, ba_number, finished_on, deadline, version, erased_at, attachments_erased, \
    deadline_provisional";

pub(super) fn insert_history(conn: &Connection, key: &str, e: &HistoryEntry) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO history (nomor, seq, at, by_name, action, from_status, to_status, procedure_id, step_index,
             on_date, note, ba_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            key,
            e.seq as i64,
            e.at.to_string(),
            e.by,
            e.action.code(),
            e.from.map(Status::code),
            e.to.code(),
            e.procedure_id,
            e.step_index.map(|i| i as i64),
            e.on.map(|d| d.to_string()),
            e.note,
            e.ba_number,
        ],
    )
    .map_err(backend)?;
    Ok(())
}

pub(super) fn read_history(conn: &Connection, key: &str) -> Result<Vec<HistoryEntry>, StoreError> {
    type Raw = (
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<i64>,
        Option<String>,
        String,
        Option<String>,
    );
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, by_name, action, from_status, to_status, procedure_id, step_index, on_date, note, ba_number
             FROM history WHERE nomor = ?1 ORDER BY seq",
        )
        .map_err(backend)?;
    let raw: Vec<Raw> = stmt
        .query_map([key], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    raw.into_iter()
        .map(|(seq, at, by, action, from, to, procedure_id, step_index, on, note, ba_number)| {
            Ok(HistoryEntry {
                seq: seq as u64,
                at: parse_ts(&at)?,
                by,
                action: parse_action(&action)?,
                from: from.as_deref().map(parse_status).transpose()?,
                to: parse_status(&to)?,
                procedure_id,
                step_index: step_index.map(|i| i as usize),
                on: parse_opt_date(on)?,
                note,
                ba_number,
            })
        })
        .collect()
}

/// A register row as SQLite holds it, read by column name.
pub(super) struct RawRow {
    nomor: String,
    received_at: String,
    channel: String,
    jenis: String,
    judul: String,
    status: String,
    procedure_id: Option<String>,
    step_index: Option<i64>,
    files_complete_on: Option<String>,
    clock_events: String,
    ba_number: Option<String>,
    finished_on: Option<String>,
    deadline: Option<String>,
    version: i64,
    erased_at: Option<String>,
    attachments_erased: Option<i64>,
    deadline_provisional: bool,
}

pub(super) fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        nomor: r.get("nomor")?,
        received_at: r.get("received_at")?,
        channel: r.get("channel")?,
        jenis: r.get("jenis")?,
        judul: r.get("judul")?,
        status: r.get("status")?,
        procedure_id: r.get("procedure_id")?,
        step_index: r.get("step_index")?,
        files_complete_on: r.get("files_complete_on")?,
        clock_events: r.get("clock_events")?,
        ba_number: r.get("ba_number")?,
        finished_on: r.get("finished_on")?,
        deadline: r.get("deadline")?,
        version: r.get("version")?,
        erased_at: r.get("erased_at")?,
        attachments_erased: r.get("attachments_erased")?,
        deadline_provisional: r.get("deadline_provisional")?,
    })
}

pub(super) fn read_row(raw: RawRow) -> Result<RegisterRow, StoreError> {
    Ok(RegisterRow {
        nomor: RegisterNumber::parse(&raw.nomor)
            .ok_or_else(|| StoreError::Corrupt(format!("register number {:?}", raw.nomor)))?,
        received_at: parse_ts(&raw.received_at)?,
        channel: parse_channel(&raw.channel)?,
        jenis: parse_jenis(&raw.jenis)?,
        judul: raw.judul,
        state: WorkflowState {
            status: parse_status(&raw.status)?,
            procedure_id: raw.procedure_id,
            step_index: raw.step_index.map(|i| i as usize),
            files_complete_on: parse_opt_date(raw.files_complete_on)?,
            clock_events: crate::fields::decode_clock(&raw.clock_events).map_err(StoreError::Corrupt)?,
            ba_number: raw.ba_number,
            finished_on: parse_opt_date(raw.finished_on)?,
        },
        deadline: crate::fields::deadline(parse_opt_date(raw.deadline)?, raw.deadline_provisional),
        version: raw.version as u64,
        erased_at: raw.erased_at.as_deref().map(parse_ts).transpose()?,
        attachments_erased: raw.attachments_erased.map(|n| n as usize),
    })
}

/// A stored day, if any.
pub(super) fn parse_opt_date(s: Option<String>) -> Result<Option<Date>, StoreError> {
    s.map(|d| parse_date("date", &d)).transpose()
}
