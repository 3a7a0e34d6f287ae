//! Multinomial naive Bayes over a message's words, word pairs and word
//! stems: trained by `parlo-core`'s build script on the corpus's dev files
//! (and by the leave-one-writer-out tests on part of them), read by the
//! reader's learned second opinion and fallback. The trained model is
//! plain static data, sorted for binary search, so a process pays nothing
//! to load it.

use std::collections::BTreeMap;

use crate::words::message_words;

/// Additive smoothing: a feature never seen with a label still leaves it
/// possible.
const ALPHA: f64 = 0.2;

/// One label's share of the training messages.
#[derive(Debug)]
pub struct Class<L: 'static> {
    pub label: L,
    /// Messages with this label.
    pub docs: u32,
    /// Feature occurrences in them.
    pub features: u32,
}

/// A trained model: per feature (sorted), how often each class (by index)
/// saw it.
#[derive(Debug)]
pub struct Model<L: 'static> {
    pub classes: &'static [Class<L>],
    pub counts: &'static [(&'static str, &'static [(u8, u32)])],
    /// Distinct features over all classes.
    pub vocabulary: u32,
}

/// Words (numbers as `#`), pairs of neighbouring words, and the first
/// four letters of longer words, standing for the word's family:
/// «cancelar», «cancelame», «cancelación»; «aplazar», «aplázala»
/// (measured by `lowo`: 83.5 → 86.9 % customer, 83.8 → 88.2 % staff).
pub fn features(text: &str) -> Vec<String> {
    let words: Vec<String> = message_words(text)
        .into_iter()
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                "#".to_string()
            } else {
                w
            }
        })
        .collect();
    let pairs = words.windows(2).map(|p| format!("{} {}", p[0], p[1]));
    let stems = words
        .iter()
        .filter(|w| w.chars().count() > 4)
        .map(|w| format!("{}~", w.chars().take(4).collect::<String>()));
    words.iter().cloned().chain(pairs).chain(stems).collect()
}

impl<L: Copy + Ord + 'static> Model<L> {
    /// Trains on labelled messages. The model is leaked into `'static`:
    /// the build script writes it out and exits, tests train a handful.
    #[allow(dead_code)] // The product only reads the build's model.
    pub fn train<'a>(examples: impl IntoIterator<Item = (&'a str, L)>) -> Model<L> {
        let mut docs: BTreeMap<L, u32> = BTreeMap::new();
        let mut seen: BTreeMap<String, BTreeMap<L, u32>> = BTreeMap::new();
        for (text, label) in examples {
            *docs.entry(label).or_default() += 1;
            for f in features(text) {
                *seen.entry(f).or_default().entry(label).or_default() += 1;
            }
        }
        let labels: Vec<L> = docs.keys().copied().collect();
        let index = |l: &L| labels.binary_search(l).expect("a trained label") as u8;
        let mut per_class = vec![0u32; labels.len()];
        let counts: Vec<(&'static str, &'static [(u8, u32)])> = seen
            .into_iter()
            .map(|(f, by_label)| {
                let row: Vec<(u8, u32)> = by_label
                    .into_iter()
                    .map(|(l, k)| {
                        per_class[index(&l) as usize] += k;
                        (index(&l), k)
                    })
                    .collect();
                (&*f.leak(), &*row.leak())
            })
            .collect();
        let classes: Vec<Class<L>> = labels
            .iter()
            .zip(per_class)
            .map(|(l, features)| Class {
                label: *l,
                docs: docs[l],
                features,
            })
            .collect();
        Model {
            vocabulary: counts.len() as u32,
            classes: classes.leak(),
            counts: counts.leak(),
        }
    }
}

impl<L: Copy + 'static> Model<L> {
    /// The most likely label for `text` and its posterior probability.
    pub fn best(&self, text: &str) -> Option<(L, f64)> {
        let fs = features(text);
        if fs.is_empty() || self.classes.is_empty() {
            return None;
        }
        let total: u32 = self.classes.iter().map(|c| c.docs).sum();
        let denominators: Vec<f64> = self
            .classes
            .iter()
            .map(|c| c.features as f64 + ALPHA * self.vocabulary as f64)
            .collect();
        let unseen: Vec<f64> = denominators.iter().map(|d| (ALPHA / d).ln()).collect();
        let mut scores = vec![0.0f64; self.classes.len()];
        for f in &fs {
            let row = self
                .counts
                .binary_search_by(|(k, _)| (*k).cmp(f.as_str()))
                .map_or(&[][..], |i| self.counts[i].1);
            for (c, score) in scores.iter_mut().enumerate() {
                *score += match row.iter().find(|(i, _)| *i as usize == c) {
                    Some((_, k)) => ((*k as f64 + ALPHA) / denominators[c]).ln(),
                    None => unseen[c],
                };
            }
        }
        for (score, c) in scores.iter_mut().zip(self.classes) {
            *score += (c.docs as f64 / total as f64).ln();
        }
        let (best, top) = scores
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let z: f64 = scores.iter().map(|s| (s - top).exp()).sum();
        Some((self.classes[best].label, 1.0 / z))
    }

    /// The model as Rust source: a `static` of type `Model<ty>` named
    /// `name`, each label written by `label`.
    #[allow(dead_code)] // For the build script.
    pub fn to_rust(&self, name: &str, ty: &str, label: impl Fn(&L) -> String) -> String {
        use std::fmt::Write;
        let mut out = format!("pub static {name}: Model<{ty}> = Model {{\n    classes: &[\n");
        for c in self.classes {
            let _ = writeln!(
                out,
                "        Class {{ label: {}, docs: {}, features: {} }},",
                label(&c.label),
                c.docs,
                c.features
            );
        }
        out.push_str("    ],\n    counts: &[\n");
        for (f, row) in self.counts {
            let _ = writeln!(out, "        ({f:?}, &{row:?}),");
        }
        let _ = writeln!(out, "    ],\n    vocabulary: {},\n}};", self.vocabulary);
        out
    }
}
