//! The closed vocabularies with their Chinese and English words, for user interfaces that must
//! show 先进制造业 or "Advanced manufacturing" for a stored code without keeping a copy of the list.

use serde::Serialize;

use crate::model::{
    Category, DayKind, Funding, LinkKind, ProblemLevel, ProblemState, Stage, Status,
};

/// One word of a vocabulary: its stored code and how each language shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Label {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VocabularyLabels {
    pub categories: Vec<Label>,
    pub stages: Vec<Label>,
    pub statuses: Vec<Label>,
    pub link_kinds: Vec<Label>,
    pub day_kinds: Vec<Label>,
    pub fundings: Vec<Label>,
    pub problem_levels: Vec<Label>,
    pub problem_states: Vec<Label>,
}

macro_rules! labels_of {
    ($vocabulary:ty) => {
        <$vocabulary>::ALL
            .iter()
            .map(|v| Label {
                code: v.code().to_owned(),
                zh: v.label_zh().to_owned(),
                en: v.label_en().to_owned(),
            })
            .collect()
    };
}

/// Every vocabulary, in the order the model declares its words.
pub fn vocabulary_labels() -> VocabularyLabels {
    VocabularyLabels {
        categories: labels_of!(Category),
        stages: labels_of!(Stage),
        statuses: labels_of!(Status),
        link_kinds: labels_of!(LinkKind),
        day_kinds: labels_of!(DayKind),
        fundings: labels_of!(Funding),
        problem_levels: labels_of!(ProblemLevel),
        problem_states: labels_of!(ProblemState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_code_and_both_languages() {
        let v = vocabulary_labels();
        assert_eq!(v.categories.len(), Category::ALL.len());
        let red = v.statuses.iter().find(|l| l.code == "red");
        assert_eq!(
            red.map(|l| (l.zh.as_str(), l.en.as_str())),
            Some(("红", "Red"))
        );
    }
}
