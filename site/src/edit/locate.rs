//! Where in a TOML text a key is: the dotted key on a line, and the line of a dotted key, so a
//! refusal can name both the line and the field (`service.procedures[2].steps[3].peran`; arrays
//! counted from 1, as an editor counts the `[[...]]` blocks).

use crate::diagnostics::LineIndex;
use regex::Regex;
use std::sync::LazyLock;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A page's front matter and how many lines of the file come before it: line `n` of the front
/// matter is line `n + offset` of the file.
pub fn front_matter_at(text: &str) -> Option<(&str, usize)> {
    let front = pengaduan_core::service::front_matter(text)?;
    let start = front.as_ptr() as usize - text.as_ptr() as usize;
    Some((front, text[..start].matches('\n').count()))
}

/// One key of a TOML text: its dotted path and the lines it spans.
#[derive(Debug)]
struct Field {
    path: String,
    /// The line of its key (an array item's first line).
    key_line: usize,
    /// The lines from its key to its value's end.
    first: usize,
    last: usize,
}

/// Every key of `toml` (which must parse as TOML), with its lines.
fn fields(toml: &str) -> Vec<Field> {
    let Ok(table) = DeTable::parse(toml) else { return Vec::new() };
    let lines = LineIndex::new(toml);
    let mut out = Vec::new();
    walk_table(&lines, "", table.get_ref(), &mut out);
    out
}

fn walk_table(lines: &LineIndex, prefix: &str, table: &DeTable<'_>, out: &mut Vec<Field>) {
    for (key, value) in table {
        let path = if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
        let key_line = lines.line(key.span().start);
        walk_value(lines, path, key_line, value, out);
    }
}

fn walk_value(lines: &LineIndex, path: String, key_line: usize, value: &Spanned<DeValue<'_>>, out: &mut Vec<Field>) {
    let span = value.span();
    let (start, end) = (lines.line(span.start), lines.line(span.end.saturating_sub(1).max(span.start)));
    let (first, last) = (key_line.min(start), end.max(key_line));
    match value.get_ref() {
        DeValue::Table(table) => {
            out.push(Field { path: path.clone(), key_line, first, last });
            walk_table(lines, &path, table, out);
        }
        DeValue::Array(items) => {
            out.push(Field { path: path.clone(), key_line, first, last });
            for (i, item) in items.iter().enumerate() {
                let item_line = lines.line(item.span().start);
                walk_value(lines, format!("{path}[{}]", i + 1), item_line, item, out);
            }
        }
        _ => out.push(Field { path, key_line, first, last }),
    }
}

/// The most specific key of `toml` on its line `line`: a key written on that line, else the
/// innermost value spanning it.
pub fn field_at_line(toml: &str, line: usize) -> Option<String> {
    let fields = fields(toml);
    let on_line = fields.iter().filter(|f| f.key_line == line).max_by_key(|f| f.path.len());
    let spanning =
        || fields.iter().filter(|f| f.first <= line && line <= f.last).max_by_key(|f| (f.first, f.path.len()));
    on_line.or_else(spanning).map(|f| f.path.clone())
}

/// The line of `field` in `toml`, or of the nearest key above it that is written
/// (`service.time_limit` for a missing `service.time_limit.starts`).
pub fn line_of_field(toml: &str, field: &str) -> Option<usize> {
    let fields = fields(toml);
    let mut field = field;
    loop {
        if let Some(f) = fields.iter().find(|f| f.path == field) {
            return Some(f.key_line);
        }
        let cut = field.rfind(['.', '['])?;
        field = &field[..cut];
    }
}

/// The dotted key a message starts with ("service.time_limit.max_working_days harus ...",
/// "service.procedures: ..."), as the site's and core's checks name them.
pub fn field_in_message(message: &str) -> Option<String> {
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:front matter: )?((?:service|extra)(?:\.[A-Za-z_]+|\[\d+\])*)(?:[:\s]|$)").unwrap()
    });
    FIELD.captures(message).map(|c| c[1].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "title = \"A\"\n\n[service]\nname = \"x\"\nrequirements = [\n  \"a\",\n  \"b\",\n]\n\n\
                         [service.time_limit]\nmin_working_days = 2\nmax_working_days = 10\n\n\
                         [[service.procedures]]\nid = \"p\"\n\n[[service.procedures.steps]]\nactor = \"A\"\n\n\
                         [[service.procedures.steps]]\nactor = \"B\"\nperan = \"jft\"\n";

    #[test]
    fn fields_by_line_and_lines_by_field() {
        let at = |line| field_at_line(FRONT, line);
        assert_eq!(at(1).as_deref(), Some("title"));
        assert_eq!(at(7).as_deref(), Some("service.requirements[2]"));
        assert_eq!(at(12).as_deref(), Some("service.time_limit.max_working_days"));
        assert_eq!(at(22).as_deref(), Some("service.procedures[1].steps[2].peran"));
        assert_eq!(line_of_field(FRONT, "service.time_limit.max_working_days"), Some(12));
        assert_eq!(line_of_field(FRONT, "service.time_limit.starts"), Some(10));
        assert_eq!(line_of_field(FRONT, "service.procedures[1].steps[2].peran"), Some(22));
    }

    #[test]
    fn fields_named_by_messages() {
        let f = |m: &str| field_in_message(m);
        assert_eq!(
            f("service.time_limit.max_working_days harus lebih dari 0").as_deref(),
            Some("service.time_limit.max_working_days")
        );
        assert_eq!(
            f("service.procedures: id prosedur \"p\" dipakai lebih dari sekali").as_deref(),
            Some("service.procedures")
        );
        assert_eq!(f("front matter: kunci `x` tidak dikenal"), None);
        assert_eq!(f("tautan rusak: /x/"), None);
    }

    #[test]
    fn front_matter_lines_are_offset() {
        let (front, offset) = front_matter_at("+++\ntitle = \"A\"\n+++\nbody\n").unwrap();
        assert_eq!((front, offset), ("title = \"A\"\n", 1));
    }
}
