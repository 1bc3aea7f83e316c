use std::collections::HashMap;
use std::fmt;

/// A word counter.
#[derive(Debug, Default)]
pub struct Counter {
    counts: HashMap<String, usize>,
}

impl Counter {
    pub fn add(&mut self, text: &str) {
        for word in text.split_whitespace() {
            *self.counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }

    pub fn top(&self, n: usize) -> Vec<(&String, &usize)> {
        let mut all: Vec<_> = self.counts.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1));
        all.into_iter().take(n).collect()
    }
}

impl fmt::Display for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} words", self.counts.len())
    }
}

pub trait Named {
    fn name(&self) -> String;
}

mod tests {
    #[test]
    fn counts() {
        let mut c = super::Counter::default();
        c.add("a b a");
        assert_eq!(c.top(1)[0].1, &2);
    }
}
