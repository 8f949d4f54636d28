//! Text for people: an error with its causes on one line, and text from the public made safe to
//! print on a staff member's terminal.
//!
//! `daftar` and `lihat` print what citizens typed (names, complaint text, file names). A terminal
//! obeys control sequences inside that text: `ESC ] 0 ; … BEL` retitles the window, `ESC [ 2 J`
//! clears the screen, a carriage return overwrites the line, and a right-to-left override makes
//! text read backwards. So the text is shown with those characters spelled out instead: the staff
//! member sees that something odd was sent, and the terminal does nothing.
//!
//! The escapes are for reading only: a backslash already in the text is left as it is, so the
//! output cannot be turned back into the original exactly.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The error and each of its causes, joined with `: ` (SDK and Tera errors hide the useful part
/// of the message in their sources).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        // Some errors repeat their source in their own message: print each part once.
        if !msg.ends_with(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

/// `s` ready to print on a terminal: C0 controls except `\n` and `\t`, DEL, C1 controls and the
/// bidirectional overrides and isolates are written as `\x1b` or `\u{202e}`.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escape(s, |c| matches!(c, '\n' | '\t'))
}

/// Like [`escape_controls`], and `\n` and `\t` are escaped too, so that the text stays on one line
/// (a table cell).
pub fn escape_controls_line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// Whether a terminal would act on `c` rather than show it, or it would reorder the text around it.
fn is_unsafe(c: char) -> bool {
    // `char::is_control` is exactly C0, DEL and C1.
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escape(s: &str, kept: impl Fn(char) -> bool) -> Cow<'_, str> {
    let needs_escape = |c: char| is_unsafe(c) && !kept(c);
    // Almost all text is clean: hand it back without copying.
    let Some(first) = s.find(needs_escape) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if u32::from(c) < 0x100 {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// What [`redact_addresses`] writes in place of an address.
pub const REDACTED_ADDRESS: &str = "[alamat surel]";

/// `text` with everything that looks like an email address (any run around an `@`, a quoted
/// local part included) replaced by [`REDACTED_ADDRESS`]. Mail servers' errors name the
/// recipient ("550 5.1.1 <nama@contoh.co.id>: user unknown"); kept or shown, that is a
/// complainant's address on a page for everyone who handles mail failures.
pub fn redact_addresses(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    // Where an address ends: space, and what mail servers and logs put around one.
    let edge = |c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | '\'' | '`');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let before = &rest[..at];
        let mut start =
            before.char_indices().rev().find(|&(_, c)| edge(c) || c == ':').map_or(0, |(i, c)| i + c.len_utf8());
        // A quoted local part may hold spaces: `"nama lengkap"@contoh.co.id`.
        if let Some(quoted) = before.strip_suffix('"')
            && let Some(open) = quoted.rfind('"')
        {
            start = start.min(open);
        }
        let after = &rest[at + 1..];
        // A domain may be an address literal: `siti@[192.0.2.1]`.
        let domain = match after.strip_prefix('[').and_then(|a| a.find(']')) {
            Some(close) => close + 2,
            None => after.find(edge).unwrap_or(after.len()),
        };
        let mut end = at + 1 + domain;
        // A sentence's full stop or a colon after the address is not part of it.
        while end > at + 1 && rest[..end].ends_with(['.', ':']) {
            end -= 1;
        }
        out.push_str(&rest[..start]);
        out.push_str(REDACTED_ADDRESS);
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ATTACK: &str = "Halo\u{1b}]0;owned\u{7}\u{1b}[2J";

    #[test]
    fn terminal_attack_is_spelled_out() {
        assert_eq!(escape_controls(ATTACK), r"Halo\x1b]0;owned\x07\x1b[2J");
        assert_eq!(escape_controls_line(ATTACK), r"Halo\x1b]0;owned\x07\x1b[2J");
    }

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        for clean in ["", "Jalan rusak di depan pasar", "Ümit 東京 ١٢ \\x1b", "baris satu\nbaris dua\tkolom"] {
            let escaped = escape_controls(clean);
            assert!(matches!(escaped, Cow::Borrowed(_)), "{clean:?}");
            assert_eq!(escaped, clean);
        }
        assert!(matches!(escape_controls_line("satu baris saja"), Cow::Borrowed(_)));
    }

    #[test]
    fn newline_and_tab_are_kept_only_outside_a_line() {
        let text = "baris satu\nbaris\tdua";
        assert_eq!(escape_controls(text), text);
        assert_eq!(escape_controls_line(text), r"baris satu\x0abaris\x09dua");
        assert_eq!(escape_controls("a\r\nb"), "a\\x0d\nb", "a carriage return could overwrite the line");
        assert_eq!(escape_controls_line("a\r\nb"), r"a\x0d\x0ab");
    }

    #[test]
    fn c0_del_and_c1_use_two_hex_digits() {
        assert_eq!(escape_controls("\u{0}\u{8}\u{1f}\u{7f}"), r"\x00\x08\x1f\x7f");
        // C1: U+009B is a one-character CSI that some terminals still honour.
        assert_eq!(escape_controls("a\u{80}\u{85}\u{9b}2J\u{9f}b"), r"a\x80\x85\x9b2J\x9fb");
        // Just outside the ranges: visible characters.
        assert_eq!(escape_controls("\u{20}~\u{a0}é"), "\u{20}~\u{a0}é");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_spelled_out() {
        assert_eq!(escape_controls("foto\u{202E}gpj.exe"), r"foto\u{202e}gpj.exe");
        let all: String = ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}').collect();
        assert_eq!(
            escape_controls_line(&all),
            r"\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}"
        );
        // Neighbours that do not override: left as they are.
        assert_eq!(escape_controls("\u{2029}\u{202F}\u{2065}\u{206A}"), "\u{2029}\u{202F}\u{2065}\u{206A}");
    }

    #[test]
    fn multibyte_text_around_escapes_is_intact() {
        assert_eq!(escape_controls("Ümit\u{1b}東京\u{202E}١٢"), r"Ümit\x1b東京\u{202e}١٢");
    }

    proptest! {
        #[test]
        fn escaped_text_has_nothing_a_terminal_acts_on(s in "\\PC{0,100}|[\\x00-\\x{9f}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}é東\\x{FEFF}\\x{B9}]{0,100}") {
            let block = escape_controls(&s);
            prop_assert!(!block.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t'), "{block:?}");
            let line = escape_controls_line(&s);
            prop_assert!(!line.chars().any(is_unsafe), "{line:?}");
            if !s.chars().any(is_unsafe) {
                prop_assert_eq!(line.as_ref(), s.as_str());
            }
        }
    }

    #[test]
    fn addresses_in_mail_errors_are_redacted() {
        for (raw, redacted) in [
            (
                "550 5.1.1 <nama.pengadu@contoh.co.id>: Recipient address rejected",
                "550 5.1.1 <[alamat surel]>: Recipient address rejected",
            ),
            ("permanent error: nama@contoh.co.id.", "permanent error: [alamat surel]."),
            ("RCPT TO:a+b@contoh.co.id ditolak", "RCPT TO:[alamat surel] ditolak"),
            ("kotak \"nama lengkap\"@contoh.co.id penuh", "kotak [alamat surel] penuh"),
            ("dua: a@b.id, c@d.id", "dua: [alamat surel], [alamat surel]"),
            ("(siti@[192.0.2.1])", "([alamat surel])"),
            ("tanpa domain user@ dan @host", "tanpa domain [alamat surel] dan [alamat surel]"),
            ("surel@contoh.co.id", "[alamat surel]"),
        ] {
            assert_eq!(redact_addresses(raw), redacted, "{raw}");
        }
        assert!(matches!(redact_addresses("421 server sibuk"), Cow::Borrowed("421 server sibuk")));
    }
}
