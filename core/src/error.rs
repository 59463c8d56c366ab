//! Errors are values: a file error stops the whole file, a row error skips
//! one row. Each carries a code a program can match on and a message a person
//! can act on (it names the fix).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a record sits in the file.
///
/// `row` counts data rows only (1-based, header excluded, blank rows not
/// counted), which is what a user sees in a spreadsheet minus the header.
/// `line` is the physical line the record starts on (1-based, the header is
/// normally line 1), which is what a text editor shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Data row number, 1-based.
    pub row: u64,
    /// Physical line the record starts on, 1-based.
    pub line: u64,
}

/// Why a whole file cannot be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileErrorCode {
    /// The file has no bytes, or only white space.
    EmptyFile,
    /// The file is not text (NUL bytes, a spreadsheet, an image, ...).
    NotText,
    /// The caller forced an encoding label nobody knows.
    UnknownEncoding,
    /// The file has no header row with at least one column name.
    NoHeader,
    /// Two columns map to the same field and that field is not repeatable.
    DuplicateHeader,
    /// A required field has no column.
    MissingRequiredColumn,
    /// The file has more data rows than the template allows.
    TooManyRows,
    /// A template option or mapping override the engine cannot use.
    InvalidOption,
    /// A column name holds a control character (NUL, escape, ...).
    ControlCharacter,
    /// The header row has a quote that does not close where it should.
    UnclosedQuote,
    /// A workbook that cannot be read (damaged, encrypted, or saved by a
    /// program whose format is not understood).
    Unreadable,
    /// A workbook of several sheets, and no sheet was chosen.
    ChooseSheet,
}

impl FileErrorCode {
    /// The snake_case code, as used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            FileErrorCode::EmptyFile => "empty_file",
            FileErrorCode::NotText => "not_text",
            FileErrorCode::UnknownEncoding => "unknown_encoding",
            FileErrorCode::NoHeader => "no_header",
            FileErrorCode::DuplicateHeader => "duplicate_header",
            FileErrorCode::MissingRequiredColumn => "missing_required_column",
            FileErrorCode::TooManyRows => "too_many_rows",
            FileErrorCode::InvalidOption => "invalid_option",
            FileErrorCode::ControlCharacter => "control_character",
            FileErrorCode::UnclosedQuote => "unclosed_quote",
            FileErrorCode::Unreadable => "unreadable",
            FileErrorCode::ChooseSheet => "choose_sheet",
        }
    }

    /// Whether the rows are left unchecked: a file with too many rows is
    /// still checked, so that its problems show, then refused as a whole;
    /// any other file error leaves nothing to check until it is solved.
    ///
    /// ```
    /// use csv_import_core::FileErrorCode;
    /// assert!(FileErrorCode::MissingRequiredColumn.stops_checking());
    /// assert!(!FileErrorCode::TooManyRows.stops_checking());
    /// ```
    pub fn stops_checking(self) -> bool {
        self != FileErrorCode::TooManyRows
    }

    /// Whether the file cannot be read into columns at all: nothing to map
    /// until the file itself is fixed (as opposed to a mapping problem,
    /// which the person can solve by choosing columns).
    ///
    /// ```
    /// use csv_import_core::FileErrorCode;
    /// assert!(FileErrorCode::UnclosedQuote.stops_reading());
    /// assert!(!FileErrorCode::MissingRequiredColumn.stops_reading());
    /// ```
    pub fn stops_reading(self) -> bool {
        match self {
            FileErrorCode::EmptyFile
            | FileErrorCode::NotText
            | FileErrorCode::UnknownEncoding
            | FileErrorCode::NoHeader
            | FileErrorCode::TooManyRows
            | FileErrorCode::ControlCharacter
            | FileErrorCode::UnclosedQuote
            | FileErrorCode::Unreadable
            | FileErrorCode::ChooseSheet => true,
            FileErrorCode::DuplicateHeader | FileErrorCode::MissingRequiredColumn | FileErrorCode::InvalidOption => false,
        }
    }
}

/// A problem with the file as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileError {
    /// What kind of problem.
    pub code: FileErrorCode,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The template field concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl FileError {
    /// A file error not tied to one field.
    pub fn new(code: FileErrorCode, message: impl Into<String>) -> FileError {
        FileError { code, message: message.into(), field: None }
    }

    /// A file error about one template field.
    pub fn for_field(code: FileErrorCode, field: &str, message: impl Into<String>) -> FileError {
        FileError { code, message: message.into(), field: Some(field.to_string()) }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for FileError {}

/// Why one row cannot be imported as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RowErrorCode {
    /// A required value is empty.
    Required,
    /// Not an email address.
    InvalidEmail,
    /// Not a date in the template's format, or not a real day.
    InvalidDate,
    /// Not a date and time.
    InvalidDatetime,
    /// Not an integer or decimal number.
    InvalidNumber,
    /// Not a yes/no value.
    InvalidBoolean,
    /// Not one of the field's options.
    InvalidEnum,
    /// Not a phone number.
    InvalidPhone,
    /// Not a web address.
    InvalidUrl,
    /// Not an identifier.
    InvalidId,
    /// Longer than the field's `max_length`, or than any value of its type
    /// can be.
    TooLong,
    /// Does not match the field's `pattern`.
    Pattern,
    /// A password that fails the policy.
    WeakPassword,
    /// The same value as an earlier row, in a field that must be unique.
    DuplicateInFile,
    /// A value a spreadsheet would run as a formula.
    Formula,
    /// A value that contains an HTML tag.
    Markup,
    /// More cells than the header has columns, and they are not empty.
    ExtraCells,
    /// An email that is not a user of this workspace (checked by the server).
    UnknownUser,
    /// An ID that matches no record of this workspace (checked by the server).
    UnknownId,
    /// A value that is not one of those a reference of the template's
    /// destination knows, e.g. no such project code (checked by the server).
    /// Reports written before these codes were one read as this one.
    #[serde(alias = "unknown_tag", alias = "unknown_partner")]
    UnknownReference,
    /// The same value as a record already stored (checked by the server).
    DuplicateExisting,
    /// A control character (NUL, escape, ...; a tab or line break in a
    /// field that takes one line).
    ControlCharacter,
    /// A quote opens the cell and does not close where it should; the row
    /// was cut at the end of the quote's line.
    UnclosedQuote,
    /// Values of several columns that do not go together, e.g. a partner
    /// user on another partner's team (checked by the server).
    Mismatch,
    /// A spreadsheet's error value (`#N/A`, `#DIV/0!`, `#REF!`, ...): the
    /// formula of the cell failed, so it holds no value.
    CellError,
}

impl RowErrorCode {
    /// The snake_case code, as used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            RowErrorCode::Required => "required",
            RowErrorCode::InvalidEmail => "invalid_email",
            RowErrorCode::InvalidDate => "invalid_date",
            RowErrorCode::InvalidDatetime => "invalid_datetime",
            RowErrorCode::InvalidNumber => "invalid_number",
            RowErrorCode::InvalidBoolean => "invalid_boolean",
            RowErrorCode::InvalidEnum => "invalid_enum",
            RowErrorCode::InvalidPhone => "invalid_phone",
            RowErrorCode::InvalidUrl => "invalid_url",
            RowErrorCode::InvalidId => "invalid_id",
            RowErrorCode::TooLong => "too_long",
            RowErrorCode::Pattern => "pattern",
            RowErrorCode::WeakPassword => "weak_password",
            RowErrorCode::DuplicateInFile => "duplicate_in_file",
            RowErrorCode::Formula => "formula",
            RowErrorCode::Markup => "markup",
            RowErrorCode::ExtraCells => "extra_cells",
            RowErrorCode::UnknownUser => "unknown_user",
            RowErrorCode::UnknownId => "unknown_id",
            RowErrorCode::UnknownReference => "unknown_reference",
            RowErrorCode::DuplicateExisting => "duplicate_existing",
            RowErrorCode::ControlCharacter => "control_character",
            RowErrorCode::UnclosedQuote => "unclosed_quote",
            RowErrorCode::Mismatch => "mismatch",
            RowErrorCode::CellError => "cell_error",
        }
    }
}

/// A problem with one value, before it is placed in a row and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    /// What kind of problem.
    pub code: RowErrorCode,
    /// What is wrong and how to fix it. Never contains a password.
    pub message: String,
}

impl ValueError {
    /// A value error with its message.
    pub fn new(code: RowErrorCode, message: impl Into<String>) -> ValueError {
        ValueError { code, message: message.into() }
    }
}

/// A problem with one row, placed by row, line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Data row number, 1-based.
    pub row: u64,
    /// Physical line the row starts on, 1-based.
    pub line: u64,
    /// 0-based column index in the file, if the problem is in one cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The template field concerned, if any.
    pub field: Option<String>,
    /// The file's header text of that column, if any.
    pub header: Option<String>,
    /// What kind of problem.
    pub code: RowErrorCode,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl RowError {
    /// The position of the row.
    pub fn position(&self) -> Position {
        Position { row: self.row, line: self.line }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} (line {})", self.row, self.line)?;
        if let Some(header) = &self.header {
            write!(f, ", column \"{header}\"")?;
        } else if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {} [{}]", self.message, self.code.as_str())
    }
}

impl std::error::Error for RowError {}

/// A value as quoted in a message: at most 40 characters, control
/// characters shown as spaces, so that a message stays one readable line.
pub fn shorten(value: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = value.chars().take(MAX).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if value.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}
