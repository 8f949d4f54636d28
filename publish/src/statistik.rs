//! The public statistics on AWS: `publish-fn` computes the figures from the complaints table
//! (only `Query` and `GetItem`: the month indexes, the open complaints' index, the survey
//! months; see `pengaduan_report::statistik`), builds the site with them exactly as the local
//! build does (`pengaduan_site::statistik`), and uploads the statistics page in both
//! languages and its two data files when they changed, invalidating just those paths. Run
//! daily by a schedule (`{"op": "statistik"}`), and with every publish, which builds the same
//! figures into the whole site so that a publish never takes the statistics away.

use crate::{Distribution, PublishError, PublishReport, SiteBucket, SiteSource, build_and_sync};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::stats::Figures;
use pengaduan_report::statistik::{Inputs, read_inputs};
use pengaduan_store::WorkflowStore;
use pengaduan_store::content::ContentStore;
use pengaduan_store::survey::SurveyStore;

/// The statistics' files in the bucket: the page (Indonesian; English, whose slug in
/// `content/statistik.en.md` is `statistics`) and the open data. A test publishes them all.
pub const KEYS: [&str; 4] =
    ["statistik/index.html", "en/statistics/index.html", "statistik/data.json", "statistik/data.csv"];

/// What the figures are computed from, read before the build (which brings the calendar).
#[derive(Debug, Clone)]
pub struct Statistics {
    /// The rows and survey answers read from the store.
    pub inputs: Inputs,
    /// The office's time zone.
    pub tz: TimeZone,
    /// The moment the figures are as of.
    pub now: Timestamp,
}

impl Statistics {
    /// Reads the inputs of the figures as of `now` from `store`.
    pub async fn read<S: WorkflowStore + SurveyStore>(
        store: &S,
        tz: &TimeZone,
        now: Timestamp,
    ) -> Result<Self, PublishError> {
        Ok(Self { inputs: read_inputs(store, tz, now).await?, tz: tz.clone(), now })
    }

    /// The figures, with the holiday calendar of the content being published.
    pub fn figures(&self, calendar: &Calendar) -> Figures {
        self.inputs.figures(calendar, &self.tz, self.now)
    }
}

/// What a run with the figures publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The scheduled run: of the site built with the figures, only [`KEYS`], uploaded when
    /// changed and invalidated. Nothing else in the bucket is touched.
    Statistics,
    /// A publish of the whole site, the figures in it.
    WholeSite,
}

/// Builds the site with the figures as of `now` (in the office's time zone `tz`) read from
/// `store`, and publishes `scope` of it.
pub async fn publish_statistics<S: ContentStore + WorkflowStore + SurveyStore>(
    store: &S,
    site: &SiteSource,
    bucket: &SiteBucket,
    distribution: Option<&Distribution>,
    (tz, now): (&TimeZone, Timestamp),
    scope: Scope,
) -> Result<PublishReport, PublishError> {
    let statistics = Statistics::read(store, tz, now).await?;
    let only = match scope {
        Scope::Statistics => Some(&KEYS[..]),
        Scope::WholeSite => None,
    };
    build_and_sync(store, site, Some(&statistics), bucket, distribution, only).await
}
