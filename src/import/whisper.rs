use super::Format;

pub const FORMATS: &[Format] = &[];
