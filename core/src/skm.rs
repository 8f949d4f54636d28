//! The Survei Kepuasan Masyarakat (SKM) of PermenPANRB 14/2017: its nine unsur, each with a
//! question and four answers, validated answer sets, and the Indeks Kepuasan Masyarakat (IKM)
//! computed from them with the regulation's weighted average and quality grades. The wording
//! is the regulation's Indonesian, with an English rendering for the English pages; answers are
//! the numbers 1..=4 in either language, so what is stored does not depend on it.

use crate::Lang;
use std::fmt;

/// One unsur (element) of the survey, with the question asked about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsur {
    /// Its code, `U1` … `U9`.
    pub kode: &'static str,
    /// Its name as the regulation gives it.
    pub nama: &'static str,
    /// The question put to the citizen, in plain Indonesian.
    pub pertanyaan: &'static str,
    /// The labels of answers 1 (worst) to 4 (best).
    pub jawaban: [&'static str; 4],
    /// Its name in English (the regulation's Indonesian name follows it on English pages).
    pub nama_en: &'static str,
    /// The question in English.
    pub pertanyaan_en: &'static str,
    /// The labels of answers 1 to 4 in English.
    pub jawaban_en: [&'static str; 4],
}

impl Unsur {
    /// Its name as shown in the language `lang`: the regulation's name in Indonesian; in
    /// English, the English name with the official Indonesian one in brackets
    /// ("Requirements (Persyaratan)").
    pub fn nama_in(&self, lang: Lang) -> String {
        match lang {
            Lang::Id => self.nama.to_owned(),
            Lang::En => format!("{} ({})", self.nama_en, self.nama),
        }
    }

    /// The question in the language `lang`.
    pub fn pertanyaan_in(&self, lang: Lang) -> &'static str {
        lang.pick(self.pertanyaan, self.pertanyaan_en)
    }

    /// The labels of answers 1 to 4 in the language `lang`.
    pub fn jawaban_in(&self, lang: Lang) -> [&'static str; 4] {
        lang.pick(self.jawaban, self.jawaban_en)
    }
}

/// The nine unsur of PermenPANRB 14/2017, in the regulation's order.
pub const UNSUR: [Unsur; 9] = [
    Unsur {
        kode: "U1",
        nama: "Persyaratan",
        pertanyaan: "Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        jawaban: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        nama_en: "Requirements",
        pertanyaan_en: "How well do the service's requirements suit the kind of service?",
        jawaban_en: ["Not suitable", "Not very suitable", "Suitable", "Very suitable"],
    },
    Unsur {
        kode: "U2",
        nama: "Sistem, mekanisme, dan prosedur",
        pertanyaan: "Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?",
        jawaban: ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
        nama_en: "System, mechanism, and procedure",
        pertanyaan_en: "How easy do you find the service procedure at this unit?",
        jawaban_en: ["Not easy", "Not very easy", "Easy", "Very easy"],
    },
    Unsur {
        kode: "U3",
        nama: "Waktu penyelesaian",
        pertanyaan: "Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?",
        jawaban: ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
        nama_en: "Completion time",
        pertanyaan_en: "How do you rate the speed with which the service was provided?",
        jawaban_en: ["Not fast", "Not very fast", "Fast", "Very fast"],
    },
    Unsur {
        kode: "U4",
        nama: "Biaya/tarif",
        pertanyaan: "Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?",
        jawaban: ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
        nama_en: "Cost/fee",
        pertanyaan_en: "How do you rate the fairness of the cost or fee of the service?",
        jawaban_en: ["Very expensive", "Fairly expensive", "Cheap", "Free"],
    },
    Unsur {
        kode: "U5",
        nama: "Produk spesifikasi jenis pelayanan",
        pertanyaan: "Bagaimana pendapat Anda tentang kesesuaian hasil pelayanan yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        jawaban: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        nama_en: "Product specification by type of service",
        pertanyaan_en: "How well does the result you received match the result stated in the service standard?",
        jawaban_en: ["Not suitable", "Not very suitable", "Suitable", "Very suitable"],
    },
    Unsur {
        kode: "U6",
        nama: "Kompetensi pelaksana",
        pertanyaan: "Bagaimana pendapat Anda tentang kemampuan petugas dalam memberikan pelayanan?",
        jawaban: ["Tidak mampu", "Kurang mampu", "Mampu", "Sangat mampu"],
        nama_en: "Competence of the staff",
        pertanyaan_en: "How do you rate the staff's ability to provide the service?",
        jawaban_en: ["Not capable", "Not very capable", "Capable", "Very capable"],
    },
    Unsur {
        kode: "U7",
        nama: "Perilaku pelaksana",
        pertanyaan: "Bagaimana pendapat Anda tentang kesopanan dan keramahan petugas dalam memberikan pelayanan?",
        jawaban: ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"],
        nama_en: "Conduct of the staff",
        pertanyaan_en: "How do you rate the politeness and friendliness of the staff in providing the service?",
        jawaban_en: [
            "Not polite and friendly",
            "Not very polite and friendly",
            "Polite and friendly",
            "Very polite and friendly",
        ],
    },
    Unsur {
        kode: "U8",
        nama: "Penanganan pengaduan, saran, dan masukan",
        pertanyaan: "Bagaimana pendapat Anda tentang penanganan pengaduan, saran, dan masukan pengguna layanan?",
        jawaban: ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"],
        nama_en: "Handling of complaints, suggestions, and feedback",
        pertanyaan_en: "How do you rate the handling of service users' complaints, suggestions, and feedback?",
        jawaban_en: ["None", "Exists but does not work", "Works, but not fully", "Well managed"],
    },
    Unsur {
        kode: "U9",
        nama: "Sarana dan prasarana",
        pertanyaan: "Bagaimana pendapat Anda tentang kualitas sarana dan prasarana pelayanan?",
        jawaban: ["Buruk", "Cukup", "Baik", "Sangat baik"],
        nama_en: "Facilities and infrastructure",
        pertanyaan_en: "How do you rate the quality of the service's facilities and infrastructure?",
        jawaban_en: ["Poor", "Fair", "Good", "Very good"],
    },
];

/// One citizen's answers to the nine questions, each 1..=4, in the order of [`UNSUR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Answers([u8; 9]);

/// An answer that is missing or out of range, naming its question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// No answer was chosen.
    #[error("Pilih satu jawaban untuk pertanyaan {no} ({nama}).")]
    Missing {
        /// The question's number, 1..=9.
        no: usize,
        /// The unsur's name.
        nama: &'static str,
    },
    /// The answer is not 1, 2, 3 or 4.
    #[error("Jawaban pertanyaan {no} ({nama}) harus 1, 2, 3, atau 4.")]
    OutOfRange {
        /// The question's number, 1..=9.
        no: usize,
        /// The unsur's name.
        nama: &'static str,
    },
}

impl AnswerError {
    /// The question's number, 1..=9, to place the message by its question.
    pub fn question(&self) -> usize {
        match self {
            Self::Missing { no, .. } | Self::OutOfRange { no, .. } => *no,
        }
    }

    /// The message in the language `lang`; Indonesian is the same as its `Display`.
    pub fn message_in(&self, lang: Lang) -> String {
        let no = self.question();
        match (self, lang) {
            (_, Lang::Id) => self.to_string(),
            (Self::Missing { .. }, Lang::En) => {
                format!("Choose one answer for question {no} ({}).", UNSUR[no - 1].nama_en)
            }
            (Self::OutOfRange { .. }, Lang::En) => {
                format!("The answer to question {no} ({}) must be 1, 2, 3, or 4.", UNSUR[no - 1].nama_en)
            }
        }
    }
}

impl Answers {
    /// Nine answers, each checked to be 1..=4.
    pub fn new(values: [u8; 9]) -> Result<Self, AnswerError> {
        for (i, v) in values.iter().enumerate() {
            if !(1..=4).contains(v) {
                return Err(AnswerError::OutOfRange { no: i + 1, nama: UNSUR[i].nama });
            }
        }
        Ok(Self(values))
    }

    /// Answers from a form's nine fields (`u1` … `u9`), every wrong or missing one reported.
    pub fn parse(raw: [Option<&str>; 9]) -> Result<Self, Vec<AnswerError>> {
        let mut values = [0u8; 9];
        let mut errors = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            let nama = UNSUR[i].nama;
            match r.map(str::trim).filter(|s| !s.is_empty()) {
                None => errors.push(AnswerError::Missing { no: i + 1, nama }),
                Some(s) => match s.parse::<u8>() {
                    Ok(v @ 1..=4) => values[i] = v,
                    _ => errors.push(AnswerError::OutOfRange { no: i + 1, nama }),
                },
            }
        }
        if errors.is_empty() { Ok(Self(values)) } else { Err(errors) }
    }

    /// The nine values, in the order of [`UNSUR`].
    pub fn values(&self) -> [u8; 9] {
        self.0
    }

    /// The compact stored form: nine digits, e.g. `343434343`.
    pub fn code(&self) -> String {
        self.0.iter().map(|v| char::from(b'0' + v)).collect()
    }

    /// Reads the stored form back.
    pub fn from_code(code: &str) -> Option<Self> {
        let bytes = code.as_bytes();
        if bytes.len() != 9 {
            return None;
        }
        let mut values = [0u8; 9];
        for (v, b) in values.iter_mut().zip(bytes) {
            *v = b.checked_sub(b'0')?;
        }
        Self::new(values).ok()
    }
}

impl fmt::Display for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// The quality grade (mutu pelayanan) of a converted value, per the regulation's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mutu {
    /// 88.31–100.00: Sangat Baik.
    A,
    /// 76.61–88.30: Baik.
    B,
    /// 65.00–76.60: Kurang Baik.
    C,
    /// 25.00–64.99: Tidak Baik.
    D,
}

impl Mutu {
    /// The grade of a converted value (25..=100), after rounding it to two decimals as the
    /// regulation's table is written, so 76.605 is graded as the 76.61 it is reported as.
    pub fn of(nilai: f64) -> Self {
        let n = round2(nilai);
        if n < 65.0 {
            Self::D
        } else if n <= 76.60 {
            Self::C
        } else if n <= 88.30 {
            Self::B
        } else {
            Self::A
        }
    }

    /// The letter, `A` … `D`.
    pub fn letter(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
        }
    }

    /// The kinerja unit pelayanan the grade stands for.
    pub fn label(self) -> &'static str {
        match self {
            Self::A => "Sangat Baik",
            Self::B => "Baik",
            Self::C => "Kurang Baik",
            Self::D => "Tidak Baik",
        }
    }
}

/// A value rounded to two decimals, as reports print them.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The weight of each unsur: the nine count equally.
pub const BOBOT: f64 = 1.0 / 9.0;

/// One unsur's result over all respondents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnsurResult {
    /// The unsur.
    pub unsur: Unsur,
    /// Nilai rata-rata (NRR): the mean answer, 1..=4.
    pub nrr: f64,
    /// NRR × [`BOBOT`].
    pub nrr_tertimbang: f64,
    /// NRR × 25: the converted value, 25..=100.
    pub konversi: f64,
    /// The grade of the converted value.
    pub mutu: Mutu,
}

/// The Indeks Kepuasan Masyarakat over a set of answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Ikm {
    /// How many answered.
    pub responden: usize,
    /// Per unsur, in the order of [`UNSUR`].
    pub unsur: Vec<UnsurResult>,
    /// IKM unit pelayanan: the sum of the weighted NRRs, 1..=4.
    pub unit: f64,
    /// The IKM converted (unit × 25), 25..=100.
    pub nilai: f64,
    /// The grade of the converted IKM.
    pub mutu: Mutu,
}

/// The IKM of `answers`, `None` when nobody answered (an index of nothing is not 25).
pub fn ikm(answers: &[Answers]) -> Option<Ikm> {
    if answers.is_empty() {
        return None;
    }
    let n = answers.len() as f64;
    let unsur: Vec<UnsurResult> = UNSUR
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let sum: u32 = answers.iter().map(|a| u32::from(a.0[i])).sum();
            let nrr = f64::from(sum) / n;
            let konversi = nrr * 25.0;
            UnsurResult { unsur: *u, nrr, nrr_tertimbang: nrr * BOBOT, konversi, mutu: Mutu::of(konversi) }
        })
        .collect();
    let unit: f64 = unsur.iter().map(|u| u.nrr_tertimbang).sum();
    let nilai = unit * 25.0;
    Some(Ikm { responden: answers.len(), unsur, unit, nilai, mutu: Mutu::of(nilai) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(v: [u8; 9]) -> Answers {
        Answers::new(v).unwrap()
    }

    #[test]
    fn answers_are_checked_and_round_trip() {
        let x = a([1, 2, 3, 4, 4, 3, 2, 1, 4]);
        assert_eq!(x.code(), "123443214");
        assert_eq!(Answers::from_code("123443214"), Some(x));
        assert_eq!(Answers::from_code("12344321"), None);
        assert_eq!(Answers::from_code("123443215"), None);
        assert_eq!(Answers::from_code("12344321x"), None);
        let err = Answers::new([1, 2, 3, 4, 5, 3, 2, 1, 4]).unwrap_err();
        assert_eq!(err.to_string(), "Jawaban pertanyaan 5 (Produk spesifikasi jenis pelayanan) harus 1, 2, 3, atau 4.");
        assert_eq!(err.question(), 5);
    }

    #[test]
    fn form_fields_report_every_wrong_answer() {
        let ok = Answers::parse([
            Some("4"),
            Some("3"),
            Some("3"),
            Some("4"),
            Some("3"),
            Some("3"),
            Some("4"),
            Some("2"),
            Some(" 3 "),
        ]);
        assert_eq!(ok.unwrap().values(), [4, 3, 3, 4, 3, 3, 4, 2, 3]);
        let errs = Answers::parse([
            Some("4"),
            None,
            Some("0"),
            Some("4"),
            Some(""),
            Some("3"),
            Some("4"),
            Some("2"),
            Some("x"),
        ])
        .unwrap_err();
        assert_eq!(errs.iter().map(AnswerError::question).collect::<Vec<_>>(), [2, 3, 5, 9]);
        assert_eq!(errs[0].to_string(), "Pilih satu jawaban untuk pertanyaan 2 (Sistem, mekanisme, dan prosedur).");
    }

    #[test]
    fn grades_follow_the_regulation_table() {
        assert_eq!(Mutu::of(25.0), Mutu::D);
        assert_eq!(Mutu::of(64.99), Mutu::D);
        assert_eq!(Mutu::of(65.00), Mutu::C);
        assert_eq!(Mutu::of(76.60), Mutu::C);
        assert_eq!(Mutu::of(76.61), Mutu::B);
        assert_eq!(Mutu::of(76.605), Mutu::B, "graded as reported, rounded");
        assert_eq!(Mutu::of(88.30), Mutu::B);
        assert_eq!(Mutu::of(88.31), Mutu::A);
        assert_eq!(Mutu::of(100.0), Mutu::A);
        assert_eq!(Mutu::A.label(), "Sangat Baik");
        assert_eq!(Mutu::D.label(), "Tidak Baik");
    }

    #[test]
    fn nobody_answered_gives_no_index() {
        assert_eq!(ikm(&[]), None);
    }

    /// Worked by hand. Four respondents:
    ///
    /// ```text
    ///        U1 U2 U3 U4 U5 U6 U7 U8 U9
    /// R1      4  3  3  4  3  3  4  2  3
    /// R2      3  3  2  4  3  4  4  3  3
    /// R3      4  4  3  4  3  3  4  2  4
    /// R4      3  3  2  4  3  3  3  3  3
    /// sum    14 13 10 16 12 13 15 10 13   (total 116)
    /// NRR  3.50 3.25 2.50 4.00 3.00 3.25 3.75 2.50 3.25
    /// ×25 87.50 81.25 62.50 100 75.00 81.25 93.75 62.50 81.25
    /// mutu    B  B  D  A  C  B  A  D  B
    /// ```
    ///
    /// IKM unit = Σ NRR/9 = 29/9 = 3.2222…; IKM = 3.2222… × 25 = 80.555… → 80.56, mutu B (Baik).
    #[test]
    fn worked_example() {
        let answers = [
            a([4, 3, 3, 4, 3, 3, 4, 2, 3]),
            a([3, 3, 2, 4, 3, 4, 4, 3, 3]),
            a([4, 4, 3, 4, 3, 3, 4, 2, 4]),
            a([3, 3, 2, 4, 3, 3, 3, 3, 3]),
        ];
        let r = ikm(&answers).unwrap();
        assert_eq!(r.responden, 4);
        let nrr: Vec<f64> = r.unsur.iter().map(|u| u.nrr).collect();
        assert_eq!(nrr, [3.5, 3.25, 2.5, 4.0, 3.0, 3.25, 3.75, 2.5, 3.25]);
        let konversi: Vec<f64> = r.unsur.iter().map(|u| u.konversi).collect();
        assert_eq!(konversi, [87.5, 81.25, 62.5, 100.0, 75.0, 81.25, 93.75, 62.5, 81.25]);
        let mutu: String = r.unsur.iter().map(|u| u.mutu.letter()).collect();
        assert_eq!(mutu, "BBDACBADB");
        assert!((r.unsur[0].nrr_tertimbang - 3.5 / 9.0).abs() < 1e-12);
        assert!((r.unit - 29.0 / 9.0).abs() < 1e-12);
        assert_eq!(round2(r.unit), 3.22);
        assert_eq!(round2(r.nilai), 80.56);
        assert_eq!(r.mutu, Mutu::B);
    }

    #[test]
    fn every_unsur_has_a_question_and_four_answers() {
        for (i, u) in UNSUR.iter().enumerate() {
            assert_eq!(u.kode, format!("U{}", i + 1));
            assert!(u.pertanyaan.ends_with('?'));
            assert!(u.jawaban.iter().all(|j| !j.is_empty()));
        }
    }

    #[test]
    fn every_unsur_has_english_text_distinct_from_indonesian() {
        for u in UNSUR {
            assert!(!u.nama_en.is_empty() && u.nama_en != u.nama, "{}", u.kode);
            assert!(u.pertanyaan_en.ends_with('?') && u.pertanyaan_en != u.pertanyaan, "{}", u.kode);
            for (en, id) in u.jawaban_en.iter().zip(u.jawaban) {
                assert!(!en.is_empty() && *en != id, "{}: {en}", u.kode);
            }
            assert_eq!(u.nama_in(Lang::Id), u.nama);
            assert_eq!(u.nama_in(Lang::En), format!("{} ({})", u.nama_en, u.nama), "the official name in brackets");
            assert_eq!(u.pertanyaan_in(Lang::En), u.pertanyaan_en);
            assert_eq!(u.jawaban_in(Lang::Id), u.jawaban);
        }
        assert_eq!(UNSUR[0].nama_in(Lang::En), "Requirements (Persyaratan)");
    }

    #[test]
    fn answer_errors_in_both_languages() {
        let errors = Answers::parse([
            Some("4"),
            None,
            Some("4"),
            Some("4"),
            Some("4"),
            Some("4"),
            Some("4"),
            Some("4"),
            Some("7"),
        ])
        .unwrap_err();
        assert_eq!(
            errors[0].message_in(Lang::Id),
            "Pilih satu jawaban untuk pertanyaan 2 (Sistem, mekanisme, dan prosedur)."
        );
        assert_eq!(
            errors[0].message_in(Lang::En),
            "Choose one answer for question 2 (System, mechanism, and procedure)."
        );
        assert_eq!(errors[1].message_in(Lang::Id), errors[1].to_string());
        assert_eq!(
            errors[1].message_in(Lang::En),
            "The answer to question 9 (Facilities and infrastructure) must be 1, 2, 3, or 4."
        );
    }
}
