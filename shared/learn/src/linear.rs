//! A linear reading of a message's intent: multinomial logistic
//! regression over hashed features of its words. Trained by
//! `parlo-core`'s build script on the corpus's dev files, and by the
//! leave-one-writer-out tests on part of them; read by the reader's
//! learned fallback and second opinion.
//!
//! What it adds to the naive Bayes model beside it ([`crate::bayes`]):
//! the letters inside words (runs of 2 to 5), which carry a misspelt or
//! unfamiliar word («cancelarla», «reagendar», «cortecito») to the family
//! it belongs to, and weights learned against each other rather than
//! counted one by one. Read alone on writers it never saw (leave one
//! writer out over the dev files) it gets 91.8 % of customer and 93.3 %
//! of staff intents right, naive Bayes 89.6 % and 92.7 %. The reader
//! takes it as the second of two voices (`parlo_core::es::learned`).
//!
//! The trained model is a table of one byte per feature bucket and label
//! (about 0.5 MB for customers, 1 MB for staff) plus a bias per label,
//! read in place: a process pays nothing to load it.

use crate::words::message_words;

/// Feature buckets: every feature is hashed into one of them (a prototype
/// lost under a point of accuracy to collisions at 2¹⁴, less at 2¹⁶).
pub const BUCKETS: usize = 1 << 15;

/// The message's features, as sorted distinct buckets: its words (numbers
/// as `#`), pairs of neighbouring words, the first four letters of longer
/// words, and the runs of 2 to 5 letters inside each word (its edges
/// marked), which tie a misspelling to the word it misses.
pub fn features(text: &str) -> Vec<u32> {
    let words: Vec<Vec<char>> = message_words(text)
        .into_iter()
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                vec!['#']
            } else {
                w.chars().collect()
            }
        })
        .collect();
    let mut out = Vec::with_capacity(words.len() * 16);
    for w in &words {
        out.push(hash(b'w', w));
        if w.len() > 4 {
            out.push(hash(b's', &w[..4]));
        }
        let padded: Vec<char> = std::iter::once(' ')
            .chain(w.iter().copied())
            .chain(std::iter::once(' '))
            .collect();
        for n in 2..=5 {
            for gram in padded.windows(n) {
                out.push(hash(b'c', gram));
            }
        }
    }
    for pair in words.windows(2) {
        let joined: Vec<char> = pair[0]
            .iter()
            .copied()
            .chain(std::iter::once(' '))
            .chain(pair[1].iter().copied())
            .collect();
        out.push(hash(b'p', &joined));
    }
    for h in &mut out {
        *h %= BUCKETS as u32;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// FNV-1a over a kind tag and the characters: stable across builds and
/// machines, which the build's model depends on.
fn hash(kind: u8, chars: &[char]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |b: u8| {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    };
    eat(kind);
    for c in chars {
        for b in (*c as u32).to_le_bytes() {
            eat(b);
        }
    }
    h
}

/// A trained model, borrowed: the build's static tables, or a model
/// trained in a test.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a, L> {
    pub labels: &'a [L],
    /// `BUCKETS × labels.len()` weights, bucket by bucket, each an `i8`
    /// stored as its byte; the weight is that times `scale`.
    pub weights: &'a [u8],
    pub bias: &'a [f32],
    pub scale: f32,
}

impl<L: Copy> Model<'_, L> {
    /// The most likely label for `text` and its probability.
    pub fn best(&self, text: &str) -> Option<(L, f64)> {
        self.probabilities(text).into_iter().next()
    }

    /// Every label with its probability for `text`, most likely first;
    /// empty for a message with no words.
    pub fn probabilities(&self, text: &str) -> Vec<(L, f64)> {
        let fs = features(text);
        let n = self.labels.len();
        if fs.is_empty() || n == 0 {
            return Vec::new();
        }
        let value = self.scale / (fs.len() as f32).sqrt();
        let mut scores: Vec<f32> = self.bias.to_vec();
        for f in fs {
            let row = &self.weights[f as usize * n..(f as usize + 1) * n];
            for (s, w) in scores.iter_mut().zip(row) {
                *s += f32::from(*w as i8) * value;
            }
        }
        let top = scores.iter().copied().fold(f32::MIN, f32::max);
        let exp: Vec<f64> = scores.iter().map(|s| f64::from(s - top).exp()).collect();
        let z: f64 = exp.iter().sum();
        let mut out: Vec<(L, f64)> = self
            .labels
            .iter()
            .zip(exp)
            .map(|(l, e)| (*l, e / z))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// A model as training leaves it: owned, quantised.
#[derive(Debug, Clone)]
pub struct Trained<L> {
    pub labels: Vec<L>,
    pub weights: Vec<u8>,
    pub bias: Vec<f32>,
    pub scale: f32,
}

impl<L: Copy> Trained<L> {
    pub fn model(&self) -> Model<'_, L> {
        Model {
            labels: &self.labels,
            weights: &self.weights,
            bias: &self.bias,
            scale: self.scale,
        }
    }
}

/// Passes over the training messages.
const EPOCHS: usize = 20;
/// The first step's size; it shrinks as `1 / (1 + epoch)`.
const STEP: f32 = 1.0;
/// Weight decay on the features a message carries, per step.
const DECAY: f32 = 1e-5;

/// Trains by stochastic gradient descent, in an order fixed by a seeded
/// shuffle, so the same messages always give the same model.
pub fn train<L: Copy + Ord>(examples: &[(&str, L)]) -> Trained<L> {
    let mut labels: Vec<L> = examples.iter().map(|(_, l)| *l).collect();
    labels.sort();
    labels.dedup();
    let n = labels.len();
    let data: Vec<(Vec<u32>, usize, f32)> = examples
        .iter()
        .map(|(text, l)| {
            let fs = features(text);
            let value = 1.0 / (fs.len().max(1) as f32).sqrt();
            (fs, labels.binary_search(l).expect("a label"), value)
        })
        .filter(|(fs, _, _)| !fs.is_empty())
        .collect();
    let mut weights = vec![0f32; BUCKETS * n];
    let mut bias = vec![0f32; n];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut scores = vec![0f32; n];
    for epoch in 0..EPOCHS {
        // Fisher–Yates with xorshift: no dependency, same order everywhere.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let step = STEP / (1.0 + epoch as f32);
        for &i in &order {
            let (fs, y, value) = &data[i];
            scores.copy_from_slice(&bias);
            for &f in fs {
                let row = &weights[f as usize * n..(f as usize + 1) * n];
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += w * value;
                }
            }
            let top = scores.iter().copied().fold(f32::MIN, f32::max);
            let mut z = 0.0;
            for s in &mut scores {
                *s = (*s - top).exp();
                z += *s;
            }
            // The gradient of the log loss: probability minus truth.
            for (c, s) in scores.iter_mut().enumerate() {
                *s = *s / z - f32::from(u8::from(c == *y));
            }
            for &f in fs {
                let row = &mut weights[f as usize * n..(f as usize + 1) * n];
                for (w, g) in row.iter_mut().zip(&scores) {
                    *w -= step * (g * value + DECAY * *w);
                }
            }
            for (b, g) in bias.iter_mut().zip(&scores) {
                *b -= step * g;
            }
        }
    }
    let largest = weights.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6);
    let scale = largest / 127.0;
    let weights = weights
        .iter()
        .map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8 as u8)
        .collect();
    Trained {
        labels,
        weights,
        bias,
        scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelling_shares_most_features_with_its_word() {
        let a = features("cancelar");
        let b = features("cancelarla");
        let shared = a.iter().filter(|f| b.contains(f)).count();
        assert!(shared * 2 > a.len(), "{shared} of {}", a.len());
    }

    #[test]
    fn it_learns_what_it_is_shown_and_is_unsure_of_nothing() {
        let examples = [
            ("quiero cancelar mi cita", 0u8),
            ("cancela la cita porfa", 0),
            ("ya no voy a ir, cancelala", 0),
            ("cuanto cuesta el corte", 1),
            ("que precio tiene la barba", 1),
            ("cuanto cobran", 1),
        ];
        let trained = train(&examples);
        let model = trained.model();
        assert_eq!(model.best("cancelame la cita").unwrap().0, 0);
        assert_eq!(model.best("cuanto cuesta el tinte").unwrap().0, 1);
        assert!(model.best("¿?").is_none());
        // The same messages give the same model.
        assert_eq!(train(&examples).weights, trained.weights);
    }
}
