//! The one error type every command returns: the core's error code, which the UI branches on,
//! and its sentence, which the UI may show as it is.

use keyworks_core::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<keyworks_core::Error> for IpcError {
    fn from(e: keyworks_core::Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }

    /// A failure of the shell itself (a poisoned lock, a missing data directory), not of the core.
    pub fn internal(message: impl Into<String>) -> Self {
        IpcError {
            code: ErrorCode::Internal,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
