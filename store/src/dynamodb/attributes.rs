//! Items and their attributes: how a register row and a history entry are written and read.

use super::Item;
use crate::fields::{parse_action, parse_channel, parse_date, parse_jenis, parse_status, parse_ts};
use crate::{RegisterRow, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::civil::Date;
use pengaduan_core::workflow::{HistoryEntry, WorkflowState};
use pengaduan_core::{RegisterNumber, Status};
use std::collections::HashMap;

/// The sort key of a complaint's history item at `seq`.
pub(super) fn history_sk(seq: u64) -> String {
    format!("HISTORY#{seq:06}")
}

/// A history item; `token` identifies the attempt that wrote it.
pub(super) fn history_item(nomor: &str, e: &HistoryEntry, token: &str) -> Item {
    let mut item: Item = HashMap::from([
        ("pk".into(), s(&format!("COMPLAINT#{nomor}"))),
        ("sk".into(), s(&history_sk(e.seq))),
        ("seq".into(), n(e.seq as i64)),
        ("at".into(), s(&e.at.to_string())),
        ("by".into(), s(&e.by)),
        ("action".into(), s(e.action.code())),
        ("to_status".into(), s(e.to.code())),
    ]);
    put_opt(&mut item, "from_status", e.from.map(Status::code));
    put_opt(&mut item, "procedure_id", e.procedure_id.as_deref());
    if let Some(i) = e.step_index {
        item.insert("step_index".into(), n(i as i64));
    }
    put_opt(&mut item, "on_date", e.on.map(|d| d.to_string()).as_deref());
    // Empty strings are left out: older DynamoDB-compatible servers refuse them.
    put_opt(&mut item, "note", Some(e.note.as_str()).filter(|t| !t.is_empty()));
    put_opt(&mut item, "ba_number", e.ba_number.as_deref());
    put_opt(&mut item, "change_id", Some(token).filter(|t| !t.is_empty()));
    item
}

pub(super) fn read_history(item: &Item) -> Result<HistoryEntry, StoreError> {
    let action = string(item, "action")?;
    Ok(HistoryEntry {
        seq: number(item, "seq")? as u64,
        at: parse_ts(&string(item, "at")?)?,
        by: string(item, "by")?,
        action: parse_action(&action)?,
        from: opt_string(item, "from_status").as_deref().map(parse_status).transpose()?,
        to: parse_status(&string(item, "to_status")?)?,
        procedure_id: opt_string(item, "procedure_id"),
        step_index: opt_number(item, "step_index")?.map(|i| i as usize),
        on: opt_date(item, "on_date")?,
        note: opt_string(item, "note").unwrap_or_default(),
        ba_number: opt_string(item, "ba_number"),
    })
}

pub(super) fn read_row(item: &Item) -> Result<RegisterRow, StoreError> {
    let nomor = string(item, "nomor")?;
    Ok(RegisterRow {
        nomor: RegisterNumber::parse(&nomor)
            .ok_or_else(|| StoreError::Corrupt(format!("register number {nomor:?}")))?,
        received_at: parse_ts(&string(item, "received_at")?)?,
        channel: parse_channel(&string(item, "channel")?)?,
        jenis: parse_jenis(&string(item, "jenis")?)?,
        judul: string(item, "judul")?,
        state: WorkflowState {
            status: parse_status(&string(item, "status")?)?,
            procedure_id: opt_string(item, "procedure_id"),
            step_index: opt_number(item, "step_index")?.map(|i| i as usize),
            files_complete_on: opt_date(item, "files_complete_on")?,
            clock_events: crate::fields::decode_clock(&opt_string(item, "clock_events").unwrap_or_default())
                .map_err(StoreError::Corrupt)?,
            ba_number: opt_string(item, "ba_number"),
            finished_on: opt_date(item, "finished_on")?,
        },
        deadline: crate::fields::deadline(opt_date(item, "deadline")?, provisional_of(item)),
        version: version_of(item)?,
        erased_at: opt_string(item, "erased_at").as_deref().map(parse_ts).transpose()?,
        attachments_erased: item
            .get("attachments_erased")
            .map(|_| number(item, "attachments_erased"))
            .transpose()?
            .map(|n| n as usize),
    })
}

/// Whether a register item's deadline is provisional; items stored before the flag existed were
/// computed with every year they needed (a missing year was refused then).
pub(super) fn provisional_of(item: &Item) -> bool {
    matches!(item.get("deadline_provisional"), Some(AttributeValue::Bool(true)))
}

/// A register item's version; items stored before versions existed are version 1.
pub(super) fn version_of(item: &Item) -> Result<u64, StoreError> {
    Ok(opt_number(item, "version")?.unwrap_or(1) as u64)
}

pub(super) fn sk_of(item: &Item) -> &str {
    match item.get("sk") {
        Some(AttributeValue::S(v)) => v,
        _ => "",
    }
}

pub(crate) fn opt_string(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

pub(super) fn opt_number(item: &Item, name: &str) -> Result<Option<i64>, StoreError> {
    if item.contains_key(name) { number(item, name).map(Some) } else { Ok(None) }
}

pub(super) fn opt_date(item: &Item, name: &str) -> Result<Option<Date>, StoreError> {
    opt_string(item, name).map(|d| parse_date(name, &d)).transpose()
}

pub(crate) fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

pub(crate) fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn put_opt(item: &mut Item, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        item.insert(name.to_owned(), s(v));
    }
}

pub(crate) fn string(item: &Item, name: &str) -> Result<String, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v.clone()),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing or not a string"))),
    }
}

pub(crate) fn number(item: &Item, name: &str) -> Result<i64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => {
            v.parse().map_err(|_| StoreError::Corrupt(format!("attribute {name} is not an integer")))
        }
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing or not a number"))),
    }
}
