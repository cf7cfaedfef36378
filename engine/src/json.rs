//! JSON printed as Docker's CLI prints it: `json.MarshalIndent` with four
//! spaces, and Go's HTML-safe escaping (`<`, `>`, `&` as `\u003c`, `\u003e`,
//! `\u0026`; U+2028 and U+2029 escaped too).

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};
use std::io::{self, Write};

struct GoFormatter<'a>(PrettyFormatter<'a>);

fn write_go_escaped<W: ?Sized + Write>(writer: &mut W, fragment: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        let escaped = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        writer.write_all(&fragment.as_bytes()[start..i])?;
        writer.write_all(escaped.as_bytes())?;
        start = i + c.len_utf8();
    }
    writer.write_all(&fragment.as_bytes()[start..])
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(w $(, $arg)*)
        })*
    };
}

impl Formatter for GoFormatter<'_> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        write_go_escaped(writer, fragment)
    }
    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }
}

/// Indented JSON, as `docker inspect` prints it (no trailing newline).
pub fn pretty<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, GoFormatter(PrettyFormatter::with_indent(b"    ")));
    if let Err(e) = value.serialize(&mut ser) {
        return format!("error: {e}");
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Compact JSON with Go's escaping, as `{{json .X}}` prints it.
pub fn compact<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, GoCompact);
    if let Err(e) = value.serialize(&mut ser) {
        return format!("error: {e}");
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct GoCompact;

impl Formatter for GoCompact {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        write_go_escaped(writer, fragment)
    }
}
