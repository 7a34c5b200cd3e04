//! Files other tools write and read: MS Project XML (MSPDI) in and out, XLSX and CSV for
//! Excel, iCalendar for Outlook. Parsing and formatting live here; every rule about what an
//! import changes, and the one transaction that applies it, lives in keyworks-core.
