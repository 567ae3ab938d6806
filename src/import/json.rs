//! Walking parsed JSON with the path of every value at hand, so that each problem names its entry
//! (`segments[3].words[7].start: ...`) the way project errors do.

use serde_json::Value;

use super::Bad;

/// A JSON value and where it sits in the file.
#[derive(Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    path: String,
}

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node {
            value,
            path: String::new(),
        }
    }

    /// `segments[3].words[7]`, or `top level` for the root.
    pub fn path(&self) -> String {
        if self.path.is_empty() {
            "top level".to_string()
        } else {
            self.path.clone()
        }
    }

    fn child(&self, value: &'a Value, step: std::fmt::Arguments<'_>) -> Node<'a> {
        use std::fmt::Write as _;
        let mut path = self.path.clone();
        let _ = path.write_fmt(step);
        Node { value, path }
    }

    pub fn bad(&self, problem: impl Into<String>) -> Bad {
        Bad {
            at: self.path(),
            problem: problem.into(),
        }
    }

    /// A field that may be absent (or null).
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) if self.path.is_empty() => Some(self.child(value, format_args!("{key}"))),
            Some(value) => Some(self.child(value, format_args!(".{key}"))),
        }
    }

    /// A field that must be there.
    pub fn field(&self, key: &str) -> Result<Node<'a>, Bad> {
        if !self.value.is_object() {
            return Err(self.bad(format!("expected an object, found {}", kind(self.value))));
        }
        self.get(key)
            .ok_or_else(|| self.bad(format!("missing field \"{key}\"")))
    }

    /// The elements of an array, each with its index in the path.
    pub fn items(&self) -> Result<Vec<Node<'a>>, Bad> {
        let list = self
            .value
            .as_array()
            .ok_or_else(|| self.bad(format!("expected an array, found {}", kind(self.value))))?;
        Ok(list
            .iter()
            .enumerate()
            .map(|(i, value)| self.child(value, format_args!("[{i}]")))
            .collect())
    }

    pub fn len(&self) -> Option<usize> {
        self.value.as_array().map(Vec::len)
    }

    pub fn str(&self) -> Result<&'a str, Bad> {
        self.value
            .as_str()
            .ok_or_else(|| self.bad(format!("expected text, found {}", kind(self.value))))
    }

    /// A number, or a string holding one (aeneas writes `"1.240"`). Must be finite.
    pub fn f64(&self) -> Result<f64, Bad> {
        let x = match self.value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .ok_or_else(|| self.bad(format!("expected a number, found {}", kind(self.value))))?;
        if !x.is_finite() {
            return Err(self.bad(format!("{x} is not a finite number")));
        }
        Ok(x)
    }

    /// A time in seconds (or any unit the caller scales): finite and not negative.
    pub fn time(&self) -> Result<f64, Bad> {
        let t = self.f64()?;
        if t < 0.0 {
            return Err(self.bad(format!("negative time {t}")));
        }
        Ok(t)
    }

    /// `get(key)` read as a recogniser's confidence: 0 to 1 (a number, or text holding one, as
    /// Amazon Transcribe writes it), absent or null meaning none.
    pub fn confidence(&self, key: &str) -> Result<Option<f64>, Bad> {
        let Some(n) = self.get(key) else {
            return Ok(None);
        };
        let c = n.f64()?;
        if !(0.0..=1.0).contains(&c) {
            return Err(n.bad(format!("confidence {c} is not between 0 and 1")));
        }
        Ok(Some(c))
    }

    /// `get(key)` read as a time, absent or null meaning none.
    pub fn opt_time(&self, key: &str) -> Result<Option<f64>, Bad> {
        self.get(key).map(|n| n.time()).transpose()
    }
}

/// What a JSON value is, for error messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
