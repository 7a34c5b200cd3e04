//! A streaming MSPDI reader (quick-xml): one pass, no DOM, elements matched by their path.
//! It refuses DOCTYPE declarations and undefined entities (no entity expansion at all) and
//! nesting deeper than any MSPDI file needs, and names the line and column of every error.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::MspdiError;
use super::model::{MspdiFile, RawBaseline, RawCalendar, RawDay, RawLink, RawTask};

/// MSPDI nests eight levels deep (Project/Calendars/Calendar/Exceptions/Exception/
/// WorkingTimes/WorkingTime/FromTime); extension data a few more. Deeper is refused.
pub const MAX_DEPTH: usize = 64;

/// The elements KeyWorks reads; everything else is `Other` and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Project,
    Name,
    Title,
    LastSaved,
    StartDate,
    CalendarUid,
    MinutesPerDay,
    Calendars,
    Calendar,
    Uid,
    BaseCalendarUid,
    WeekDays,
    WeekDay,
    DayType,
    DayWorking,
    TimePeriod,
    FromDate,
    ToDate,
    WorkingTimes,
    WorkingTime,
    FromTime,
    ToTime,
    Exceptions,
    Exception,
    Type,
    WorkWeeks,
    Tasks,
    Task,
    Id,
    IsNull,
    OutlineLevel,
    Start,
    Finish,
    Duration,
    DurationFormat,
    Milestone,
    Summary,
    PercentComplete,
    ActualStart,
    ActualFinish,
    ConstraintType,
    ConstraintDate,
    PredecessorLink,
    PredecessorUid,
    CrossProject,
    LinkLag,
    LagFormat,
    Baseline,
    Number,
    Other,
}

impl Tag {
    fn of(name: &[u8]) -> Tag {
        match name {
            b"Project" => Tag::Project,
            b"Name" => Tag::Name,
            b"Title" => Tag::Title,
            b"LastSaved" => Tag::LastSaved,
            b"StartDate" => Tag::StartDate,
            b"CalendarUID" => Tag::CalendarUid,
            b"MinutesPerDay" => Tag::MinutesPerDay,
            b"Calendars" => Tag::Calendars,
            b"Calendar" => Tag::Calendar,
            b"UID" => Tag::Uid,
            b"BaseCalendarUID" => Tag::BaseCalendarUid,
            b"WeekDays" => Tag::WeekDays,
            b"WeekDay" => Tag::WeekDay,
            b"DayType" => Tag::DayType,
            b"DayWorking" => Tag::DayWorking,
            b"TimePeriod" => Tag::TimePeriod,
            b"FromDate" => Tag::FromDate,
            b"ToDate" => Tag::ToDate,
            b"WorkingTimes" => Tag::WorkingTimes,
            b"WorkingTime" => Tag::WorkingTime,
            b"FromTime" => Tag::FromTime,
            b"ToTime" => Tag::ToTime,
            b"Exceptions" => Tag::Exceptions,
            b"Exception" => Tag::Exception,
            b"Type" => Tag::Type,
            b"WorkWeeks" => Tag::WorkWeeks,
            b"Tasks" => Tag::Tasks,
            b"Task" => Tag::Task,
            b"ID" => Tag::Id,
            b"IsNull" => Tag::IsNull,
            b"OutlineLevel" => Tag::OutlineLevel,
            b"Start" => Tag::Start,
            b"Finish" => Tag::Finish,
            b"Duration" => Tag::Duration,
            b"DurationFormat" => Tag::DurationFormat,
            b"Milestone" => Tag::Milestone,
            b"Summary" => Tag::Summary,
            b"PercentComplete" => Tag::PercentComplete,
            b"ActualStart" => Tag::ActualStart,
            b"ActualFinish" => Tag::ActualFinish,
            b"ConstraintType" => Tag::ConstraintType,
            b"ConstraintDate" => Tag::ConstraintDate,
            b"PredecessorLink" => Tag::PredecessorLink,
            b"PredecessorUID" => Tag::PredecessorUid,
            b"CrossProject" => Tag::CrossProject,
            b"LinkLag" => Tag::LinkLag,
            b"LagFormat" => Tag::LagFormat,
            b"Baseline" => Tag::Baseline,
            b"Number" => Tag::Number,
            _ => Tag::Other,
        }
    }
}

/// The `\n` bytes in `bytes`, eight at a time: every task's line is counted on from the
/// previous one, which reads the whole file once more.
fn count_newlines(bytes: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // Bytes equal to '\n' become zero; a byte's high bit is then set exactly when the
        // byte is zero (no borrow between bytes, unlike the usual `x - 0x01..` test).
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'\n'));
        let nonzero = ((x & LOW7) + LOW7) | x;
        n += u64::from((!nonzero & !LOW7).count_ones());
    }
    n + chunks.remainder().iter().filter(|b| **b == b'\n').count() as u64
}

/// Line and column (1-based, columns in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

/// The file's bytes as text: UTF-8 (with or without BOM) or UTF-16 with a BOM.
fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, MspdiError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding != encoding_rs::UTF_8 {
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                return Err(MspdiError::Malformed {
                    line: 1,
                    column: 1,
                    message: format!("文件声明为 {} 编码，但含有无效字符", encoding.name()),
                });
            }
            return Ok(text);
        }
        return decode_utf8(&bytes[bom..]);
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, MspdiError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Err(e) => {
            let valid = e.valid_up_to();
            let text = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
            let (line, column) = line_column(text, valid);
            Err(MspdiError::Malformed {
                line,
                column,
                message: "不是有效的 UTF-8 文本（MS Project XML 应为 UTF-8 编码）".to_owned(),
            })
        }
    }
}

/// Reads a whole file. A large one is read in two halves on two threads: copying 250 MB out of
/// the page cache into fresh memory is a tenth of a large import, and it halves like the parse.
pub fn read_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut first = std::fs::File::open(path)?;
    let len = usize::try_from(first.metadata()?.len()).unwrap_or(usize::MAX);
    if len < SPLIT_FROM {
        return std::fs::read(path);
    }
    let mut bytes = vec![0u8; len];
    let (head, tail) = bytes.split_at_mut(len / 2);
    let tail_from = head.len() as u64;
    let tail_read = std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> std::io::Result<()> {
            let mut second = std::fs::File::open(path)?;
            second.seek(SeekFrom::Start(tail_from))?;
            second.read_exact(tail)
        });
        let head_read = first.read_exact(head);
        let tail_read = reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("reading thread panicked")));
        head_read.and(tail_read)
    });
    // A file that changed size meanwhile (it grew, or it shrank: read_exact failed) is read
    // again as a whole, as `std::fs::read` does.
    first.seek(SeekFrom::Start(len as u64))?;
    let mut more = [0u8; 1];
    if tail_read.is_err() || first.read(&mut more)? != 0 {
        return std::fs::read(path);
    }
    Ok(bytes)
}

/// Files from this size on are parsed in two halves on two threads.
const SPLIT_FROM: usize = 2 << 20;

/// Reads an MSPDI file. Unknown elements are ignored.
pub fn parse(bytes: &[u8]) -> Result<MspdiFile, MspdiError> {
    let text = decode(bytes)?;
    if text.len() >= SPLIT_FROM {
        if let Some(split) = split_point(&text) {
            return parse_in_halves(&text, split);
        }
    }
    Parser::new(&text).run()
}

/// The first `<Task>` after the middle of the file: where a second parser can start, if the
/// first one confirms it is a task element of `<Tasks>` (and not text in a comment, say).
fn split_point(text: &str) -> Option<usize> {
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid += 1;
    }
    text.get(mid..)?.find("<Task>").map(|i| mid + i)
}

/// Large files: the second half (from a `<Task>` on) is parsed on another thread while this one
/// parses the first half. If the first parser does not arrive at the split point as the start of
/// a task inside `<Tasks>`, it simply parses on to the end and the second half is discarded, so
/// the result is always the one-pass result.
fn parse_in_halves(text: &str, split: usize) -> Result<MspdiFile, MspdiError> {
    // The second parser reads the second half behind the two open elements it lies in, so that
    // its reader checks end tags as usual; its positions are shifted back onto the whole text.
    const OPEN: &str = "<Project><Tasks>";
    let second_input = format!("{OPEN}{}", text.get(split..).unwrap_or(""));
    let second_base = (split - OPEN.len()) as u64;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| Parser::reading(text, &second_input, second_base).run());
        let (mut file, stopped) = Parser::new(text).run_until(Some(split as u64))?;
        if !stopped {
            return Ok(file);
        }
        let rest = match second.join() {
            Ok(r) => r?,
            // The second parser panicked: parse that half here again, where a panic surfaces.
            Err(_) => Parser::reading(text, &second_input, second_base).run()?,
        };
        file.tasks.extend(rest.tasks);
        file.calendars.extend(rest.calendars);
        file.name = file.name.or(rest.name);
        file.title = file.title.or(rest.title);
        file.start_date = file.start_date.or(rest.start_date);
        file.last_saved = file.last_saved.or(rest.last_saved);
        file.minutes_per_day = file.minutes_per_day.or(rest.minutes_per_day);
        file.calendar_uid = file.calendar_uid.or(rest.calendar_uid);
        Ok(file)
    })
}

struct Parser<'t> {
    text: &'t str,
    reader: Reader<&'t [u8]>,
    stack: Vec<Tag>,
    value: String,
    file: MspdiFile,
    day: RawDay,
    time: (Option<u32>, Option<u32>),
    root_seen: bool,
    root_closed: bool,
    /// (byte offset, line there): task lines are counted onward from the last one, so that
    /// numbering every `<Task>` stays linear in the file's length.
    line_cursor: (usize, u64),
    /// Where `reader`'s input starts in `text` (the second half of a split parse).
    base: u64,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        Parser::reading(text, text, 0)
    }

    /// A parser of `input`, which is `text` from byte `base` on (see `parse_in_halves`);
    /// positions are reported in the whole `text`.
    fn reading(text: &'t str, input: &'t str, base: u64) -> Self {
        // No trim_text: it would trim around each entity ("R &amp; D" read as "R&D"); values are
        // trimmed whole when their element closes.
        let reader = Reader::from_str(input);
        Parser {
            text,
            reader,
            stack: Vec::with_capacity(16),
            value: String::with_capacity(64),
            file: MspdiFile::default(),
            day: RawDay::default(),
            time: (None, None),
            root_seen: false,
            root_closed: false,
            line_cursor: (0, 1),
            base,
        }
    }

    /// Line and column of the markup at or after `offset`: an event's start offset is where the
    /// previous one ended, before the whitespace between them.
    fn at(&self, offset: u64) -> (u64, u64) {
        let mut i = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let bytes = self.text.as_bytes();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        line_column(self.text, i)
    }

    /// The line of a byte offset at or after the previous one asked for.
    fn line_onward(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let (from, line) = self.line_cursor;
        if offset < from {
            return self.at(offset as u64).0;
        }
        let newlines = count_newlines(&self.text.as_bytes()[from..offset]);
        self.line_cursor = (offset, line + newlines);
        line + newlines
    }

    fn malformed(&self, offset: u64, message: impl Into<String>) -> MspdiError {
        let (line, column) = self.at(offset);
        MspdiError::Malformed {
            line,
            column,
            message: message.into(),
        }
    }

    fn refused(&self, offset: u64, reason: impl Into<String>) -> MspdiError {
        let (line, column) = self.at(offset);
        MspdiError::Refused {
            line,
            column,
            reason: reason.into(),
        }
    }

    fn run(self) -> Result<MspdiFile, MspdiError> {
        Ok(self.run_until(None)?.0)
    }

    /// Parses to the end, or stops where `stop` is the start of a `<Task>` directly inside
    /// `<Tasks>` (the second half is parsed by another parser); the flag says whether it stopped.
    fn run_until(mut self, stop: Option<u64>) -> Result<(MspdiFile, bool), MspdiError> {
        loop {
            let before = self.base + self.reader.buffer_position();
            if Some(before) == stop && self.stack == [Tag::Project, Tag::Tasks] {
                return Ok((self.file, true));
            }
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = self.base + self.reader.error_position();
                    return Err(self.malformed(at, e.to_string()));
                }
            };
            match event {
                Event::Start(e) => {
                    let name = e.local_name();
                    self.open(Tag::of(name.as_ref()), name.as_ref(), before)?;
                }
                Event::Empty(e) => {
                    let name = e.local_name();
                    self.open(Tag::of(name.as_ref()), name.as_ref(), before)?;
                    self.close(before)?;
                }
                Event::End(_) => self.close(before)?,
                // Most of a real file is elements KeyWorks does not read: their text is not
                // even decoded.
                Event::Text(_) if self.stack.last() == Some(&Tag::Other) => {}
                Event::Text(t) => {
                    let s = t
                        .decode()
                        .map_err(|e| self.malformed(before, e.to_string()))?;
                    self.text_content(&s, before)?;
                }
                Event::CData(t) => {
                    let s = t
                        .decode()
                        .map_err(|e| self.malformed(before, e.to_string()))?;
                    self.text_content(&s, before)?;
                }
                Event::GeneralRef(r) => {
                    let c = if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => c,
                            _ => return Err(self.malformed(before, "无效的字符引用")),
                        }
                    } else {
                        match &*r {
                            b"amp" => '&',
                            b"lt" => '<',
                            b"gt" => '>',
                            b"quot" => '"',
                            b"apos" => '\'',
                            other => {
                                let name = String::from_utf8_lossy(other).into_owned();
                                return Err(self.refused(
                                    before,
                                    format!(
                                        "未定义的实体引用 &{name};（MSPDI 文件不使用自定义实体）"
                                    ),
                                ));
                            }
                        }
                    };
                    if self.stack.is_empty() {
                        return Err(self.malformed(before, "根元素之外有文本"));
                    }
                    self.value.push(c);
                }
                Event::DocType(_) => {
                    return Err(self.refused(
                        before,
                        "文件含有 DOCTYPE 声明：MSPDI 文件不需要它，而它可用于实体扩展攻击，出于安全考虑拒绝读取",
                    ));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if let Some(open) = self.stack.last() {
            let at = self.base + self.reader.buffer_position();
            return Err(self.malformed(
                at,
                format!("文件在元素 <{open:?}> 内意外结束（文件不完整）"),
            ));
        }
        if !self.root_seen {
            return Err(MspdiError::NotMspdi {
                root: String::new(),
            });
        }
        Ok((self.file, false))
    }

    fn text_content(&mut self, s: &str, at: u64) -> Result<(), MspdiError> {
        match self.stack.last() {
            None if s.trim().is_empty() => Ok(()),
            None => Err(self.malformed(at, "根元素之外有文本")),
            // Most of a real file is elements KeyWorks does not read: do not copy their text.
            Some(Tag::Other) => Ok(()),
            Some(_) => {
                self.value.push_str(s);
                Ok(())
            }
        }
    }

    fn open(&mut self, tag: Tag, name: &[u8], at: u64) -> Result<(), MspdiError> {
        if self.stack.is_empty() {
            if self.root_closed {
                let name = String::from_utf8_lossy(name);
                return Err(self.malformed(at, format!("根元素之后又出现元素 <{name}>")));
            }
            if tag != Tag::Project {
                return Err(MspdiError::NotMspdi {
                    root: String::from_utf8_lossy(name).into_owned(),
                });
            }
            self.root_seen = true;
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.refused(
                at,
                format!("元素嵌套超过 {MAX_DEPTH} 层：MSPDI 文件不会这样深，拒绝读取"),
            ));
        }
        self.stack.push(tag);
        self.value.clear();
        if tag == Tag::Other {
            // Every path below ends in an element KeyWorks reads.
            return Ok(());
        }
        use Tag::*;
        match self.stack.as_slice() {
            [Project, Calendars, Calendar] => self.file.calendars.push(RawCalendar::default()),
            [Project, Calendars, Calendar, WeekDays, WeekDay]
            | [Project, Calendars, Calendar, Exceptions, Exception] => self.day = RawDay::default(),
            [Project, Calendars, Calendar, WorkWeeks] => {
                if let Some(c) = self.file.calendars.last_mut() {
                    c.has_work_weeks = true;
                }
            }
            [.., WorkingTimes, WorkingTime] => self.time = (None, None),
            [Project, Tasks, Task] => {
                let line = self.line_onward(at);
                self.file.tasks.push(RawTask {
                    line,
                    ..RawTask::default()
                });
            }
            [Project, Tasks, Task, PredecessorLink] => {
                if let Some(t) = self.file.tasks.last_mut() {
                    t.links.push(RawLink::default());
                }
            }
            [Project, Tasks, Task, Baseline] => {
                if let Some(t) = self.file.tasks.last_mut() {
                    t.baselines.push(RawBaseline::default());
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, at: u64) -> Result<(), MspdiError> {
        if self.stack.last() == Some(&Tag::Other) {
            // Nothing is assigned from an element KeyWorks does not read (every path of
            // `assign` ends in a known element).
            self.value.clear();
            self.stack.pop();
            if self.stack.is_empty() {
                self.root_closed = true;
            }
            return Ok(());
        }
        let value = std::mem::take(&mut self.value);
        let stack = std::mem::take(&mut self.stack);
        let field = Field {
            text: self.text,
            v: value.trim(),
            at,
        };
        let result = self.assign(&stack, &field);
        self.stack = stack;
        self.value = value;
        self.value.clear();
        self.stack.pop();
        if self.stack.is_empty() {
            self.root_closed = true;
        }
        result
    }

    fn assign(&mut self, path: &[Tag], f: &Field<'_>) -> Result<(), MspdiError> {
        use Tag::*;
        let v = f.v;
        match path {
            [Project, Name] => self.file.name = Some(v.to_owned()),
            [Project, Title] => self.file.title = Some(v.to_owned()),
            [Project, StartDate] => self.file.start_date = f.datetime("StartDate")?,
            [Project, LastSaved] => self.file.last_saved = f.datetime("LastSaved")?,
            [Project, CalendarUid] => self.file.calendar_uid = f.int("CalendarUID")?,
            [Project, MinutesPerDay] => self.file.minutes_per_day = f.int("MinutesPerDay")?,
            [Project, Calendars, Calendar, rest @ ..] => self.calendar_field(rest, f)?,
            [Project, Tasks, Task, rest @ ..] => {
                if let Some(t) = self.file.tasks.last_mut() {
                    task_field(t, rest, f)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn calendar_field(&mut self, rest: &[Tag], f: &Field<'_>) -> Result<(), MspdiError> {
        use Tag::*;
        let v = f.v;
        let Some(c) = self.file.calendars.last_mut() else {
            return Ok(());
        };
        match rest {
            [Uid] => c.uid = f.int("Calendar/UID")?,
            [Name] => c.name = v.to_owned(),
            [BaseCalendarUid] => c.base_uid = f.int("BaseCalendarUID")?,
            [WeekDays, WeekDay] => c.week_days.push(std::mem::take(&mut self.day)),
            [Exceptions, Exception] => c.exceptions.push(std::mem::take(&mut self.day)),
            [WeekDays | Exceptions, _, day_field @ ..] => {
                let d = &mut self.day;
                match day_field {
                    [DayType] => d.day_type = f.int("DayType")?,
                    [DayWorking] => d.working = Some(f.flag("DayWorking")?),
                    [Name] => d.name = v.to_owned(),
                    [Type] => d.exception_type = f.int("Exception/Type")?,
                    [TimePeriod, FromDate] => d.from = f.datetime("FromDate")?,
                    [TimePeriod, ToDate] => d.to = f.datetime("ToDate")?,
                    [WorkingTimes, WorkingTime, FromTime] => {
                        self.time.0 = f.time("FromTime", false)?
                    }
                    [WorkingTimes, WorkingTime, ToTime] => self.time.1 = f.time("ToTime", true)?,
                    [WorkingTimes, WorkingTime] => {
                        if let (Some(from), Some(to)) = self.time {
                            if to > from {
                                d.times.push((from, to));
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The text of one element being closed, with where it is for messages.
struct Field<'a> {
    text: &'a str,
    v: &'a str,
    at: u64,
}

impl Field<'_> {
    fn error(&self, what: &str, expected: &str) -> MspdiError {
        let (line, column) = line_column(self.text, usize::try_from(self.at).unwrap_or(usize::MAX));
        MspdiError::Value {
            line,
            column,
            field: what.to_owned(),
            value: self.v.chars().take(60).collect(),
            expected: expected.to_owned(),
        }
    }

    fn int(&self, what: &str) -> Result<Option<i64>, MspdiError> {
        if self.v.is_empty() {
            return Ok(None);
        }
        if let Ok(n) = self.v.parse::<i64>() {
            return Ok(Some(n));
        }
        // Some writers put "1.0" where an integer belongs.
        self.v
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15)
            .map(|f| Some(f as i64))
            .ok_or_else(|| self.error(what, "应为整数"))
    }

    fn real(&self, what: &str) -> Result<Option<f64>, MspdiError> {
        if self.v.is_empty() {
            return Ok(None);
        }
        self.v
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| self.error(what, "应为数字"))
    }

    fn flag(&self, what: &str) -> Result<bool, MspdiError> {
        match self.v {
            "1" | "true" => Ok(true),
            "0" | "false" | "" => Ok(false),
            _ => Err(self.error(what, "应为 0 或 1")),
        }
    }

    fn datetime(&self, what: &str) -> Result<Option<NaiveDateTime>, MspdiError> {
        if self.v.is_empty() {
            return Ok(None);
        }
        parse_datetime(self.v)
            .map(Some)
            .ok_or_else(|| self.error(what, "应为日期时间，如 2021-06-11T08:00:00"))
    }

    fn duration(&self, what: &str) -> Result<Option<f64>, MspdiError> {
        if self.v.is_empty() {
            return Ok(None);
        }
        parse_duration_minutes(self.v)
            .map(Some)
            .ok_or_else(|| self.error(what, "应为 ISO 8601 时长，如 PT16H0M0S"))
    }

    fn time(&self, what: &str, end: bool) -> Result<Option<u32>, MspdiError> {
        if self.v.is_empty() {
            return Ok(None);
        }
        parse_minutes_of_day(self.v, end)
            .map(Some)
            .ok_or_else(|| self.error(what, "应为时刻，如 08:00:00"))
    }
}

fn task_field(t: &mut RawTask, rest: &[Tag], f: &Field<'_>) -> Result<(), MspdiError> {
    use Tag::*;
    match rest {
        [Uid] => t.uid = f.int("Task/UID")?,
        [Id] => t.id = f.int("Task/ID")?,
        [Name] => t.name = Some(f.v.to_owned()),
        [IsNull] => t.is_null = f.flag("IsNull")?,
        [OutlineLevel] => t.outline_level = f.int("OutlineLevel")?,
        [Start] => t.start = f.datetime("Start")?,
        [Finish] => t.finish = f.datetime("Finish")?,
        [Duration] => t.duration_minutes = f.duration("Duration")?,
        [DurationFormat] => t.duration_format = f.int("DurationFormat")?,
        [Milestone] => t.milestone = f.flag("Milestone")?,
        [Summary] => t.summary = f.flag("Summary")?,
        [PercentComplete] => t.percent_complete = f.real("PercentComplete")?,
        [ActualStart] => t.actual_start = f.datetime("ActualStart")?,
        [ActualFinish] => t.actual_finish = f.datetime("ActualFinish")?,
        [ConstraintType] => t.constraint_type = f.int("ConstraintType")?,
        [ConstraintDate] => t.constraint_date = f.datetime("ConstraintDate")?,
        [PredecessorLink, field] => {
            if let Some(l) = t.links.last_mut() {
                match field {
                    PredecessorUid => l.predecessor_uid = f.int("PredecessorUID")?,
                    Type => l.kind = f.int("PredecessorLink/Type")?,
                    CrossProject => l.cross_project = f.flag("CrossProject")?,
                    LinkLag => l.lag_tenths = f.real("LinkLag")?,
                    LagFormat => l.lag_format = f.int("LagFormat")?,
                    _ => {}
                }
            }
        }
        [Baseline, field] => {
            if let Some(b) = t.baselines.last_mut() {
                match field {
                    Number => b.number = f.int("Baseline/Number")?,
                    Start => b.start = f.datetime("Baseline/Start")?,
                    Finish => b.finish = f.datetime("Baseline/Finish")?,
                    Duration => b.duration_minutes = f.duration("Baseline/Duration")?,
                    _ => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// `2021-06-11T08:00:00` (seconds, fractions and a zone suffix optional; a bare date is
/// midnight).
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        let mut n = 0u32;
        for c in part {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(n)
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    if b.len() == 10 {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if b[10] != b'T' || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (h, m) = (num(11..13)?, num(14..16)?);
    let sec = if b.len() >= 19 && b[16] == b':' {
        num(17..19)?
    } else {
        0
    };
    // 24:00:00 is the end of the day.
    if h == 24 && m == 0 && sec == 0 {
        return date.succ_opt().map(|d| d.and_time(NaiveTime::MIN));
    }
    Some(date.and_time(NaiveTime::from_hms_opt(h, m, sec)?))
}

/// Minutes since midnight of `08:00:00`; a `ToTime` of 00:00 (or 24:00) is the end of the day.
pub fn parse_minutes_of_day(s: &str, end: bool) -> Option<u32> {
    let mut parts = s.split(':');
    let h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next().unwrap_or("0").trim().parse().ok()?;
    if h > 24 || m > 59 {
        return None;
    }
    let minutes = h * 60 + m;
    if minutes > 1440 {
        return None;
    }
    Some(if end && minutes == 0 { 1440 } else { minutes })
}

/// An ISO 8601 duration like `PT16H0M0S`, `P1DT2H`, `-PT8H` in minutes (a day is 24 hours).
pub fn parse_duration_minutes(s: &str) -> Option<f64> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix('P')?;
    let (date_part, time_part) = match s.split_once('T') {
        Some((d, t)) => (d, t),
        None => (s, ""),
    };
    let mut total = 0.0f64;
    let mut number = String::new();
    for c in date_part.chars() {
        match c {
            'Y' | 'M' | 'W' | 'D' => {
                let n: f64 = number.parse().ok()?;
                total += n * match c {
                    'Y' => 365.0 * 1440.0,
                    'M' => 30.0 * 1440.0,
                    'W' => 7.0 * 1440.0,
                    _ => 1440.0,
                };
                number.clear();
            }
            c if c.is_ascii_digit() || c == '.' => number.push(c),
            _ => return None,
        }
    }
    if !number.is_empty() {
        return None;
    }
    for c in time_part.chars() {
        match c {
            'H' | 'M' | 'S' => {
                let n: f64 = number.parse().ok()?;
                total += match c {
                    'H' => n * 60.0,
                    'M' => n,
                    _ => n / 60.0,
                };
                number.clear();
            }
            c if c.is_ascii_digit() || c == '.' => number.push(c),
            _ => return None,
        }
    }
    if !number.is_empty() || !total.is_finite() {
        return None;
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_durations_and_times_parse() {
        let d = parse_datetime("2021-06-11T08:30:00").unwrap();
        assert_eq!(d.to_string(), "2021-06-11 08:30:00");
        assert_eq!(
            parse_datetime("2021-06-11").unwrap().to_string(),
            "2021-06-11 00:00:00"
        );
        assert!(parse_datetime("2021-13-11T08:00:00").is_none());
        assert!(parse_datetime("garbage").is_none());
        assert_eq!(parse_duration_minutes("PT16H0M0S"), Some(960.0));
        assert_eq!(parse_duration_minutes("PT7H30M0S"), Some(450.0));
        assert_eq!(parse_duration_minutes("P1DT2H"), Some(1560.0));
        assert_eq!(parse_duration_minutes("-PT8H0M0S"), Some(-480.0));
        assert_eq!(parse_duration_minutes("PTxH"), None);
        assert_eq!(parse_minutes_of_day("00:00:00", true), Some(1440));
        assert_eq!(parse_minutes_of_day("13:00:00", false), Some(780));
    }

    #[test]
    fn a_large_file_parsed_in_halves_is_the_one_pass_result() {
        let (xml, shape) = crate::mspdi::synthetic::generate(1_500);
        assert!(xml.len() >= SPLIT_FROM);
        let one_pass = Parser::new(&xml).run().unwrap();
        assert_eq!(one_pass.tasks.len(), shape.tasks);
        assert_eq!(parse(xml.as_bytes()).unwrap(), one_pass);
        // A "<Task>" in a comment where the split would be: the first parser does not stop
        // there, and the result is still the one-pass one.
        let at = split_point(&xml).unwrap();
        let mut tricky = xml.clone();
        tricky.insert_str(at, "<!--<Task>-->");
        assert_eq!(split_point(&tricky), Some(at + 4));
        assert_eq!(parse(tricky.as_bytes()).unwrap(), one_pass);
        // An error in the second half is reported at its place in the whole file.
        let mut broken = xml.clone();
        let late = broken.rfind("<Start>").unwrap();
        broken.replace_range(late..late + 7, "<Start>x");
        let one = Parser::new(&broken).run().unwrap_err().to_string();
        assert_eq!(parse(broken.as_bytes()).unwrap_err().to_string(), one);
    }

    #[test]
    fn newlines_are_counted_eight_bytes_at_a_time() {
        let text = "a\nb\n\n中文\n\u{0a}x\u{8a}\n\n\n\n\n\n\n\n\n12345678\n";
        for from in 0..text.len() {
            let bytes = &text.as_bytes()[from..];
            let naive = bytes.iter().filter(|b| **b == b'\n').count() as u64;
            assert_eq!(count_newlines(bytes), naive, "from {from}");
        }
    }

    #[test]
    fn a_large_file_read_in_halves_is_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.xml");
        let bytes: Vec<u8> = (0..SPLIT_FROM + 12_345).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_file(&path).unwrap(), bytes);
        std::fs::write(&path, &bytes[..100]).unwrap();
        assert_eq!(read_file(&path).unwrap(), &bytes[..100]);
        assert!(read_file(&dir.path().join("missing.xml")).is_err());
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_column("ab\n中文x", 9), (2, 3));
        assert_eq!(line_column("abc", 0), (1, 1));
    }
}
