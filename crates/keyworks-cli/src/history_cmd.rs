//! `keyworks history`: the file's edits as the app's History view tells them (verb, project,
//! what, field changes by name, times on this computer's clock), filtered the same way.

use std::path::Path;
use std::process::ExitCode;

use chrono::Local;
use clap::Args;
use keyworks_core::audit::history::{HistoryQuery, Lang};
use keyworks_core::week::parse_date;
use keyworks_core::{Access, Db, Error};

use crate::report_cmd::LangArg;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only edits that touched this project (code, e.g. KP21-01)
    #[arg(long, value_name = "CODE")]
    project: Option<String>,
    /// Only edits by this person, as stamped. (Not `--author`: that global option names who
    /// makes changes, and KEYWORKS_AUTHOR would otherwise filter every history.)
    #[arg(long, value_name = "NAME")]
    person: Option<String>,
    /// Only edits recorded on or after this day
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only edits recorded on or before this day
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// How many edits, newest first
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Language of the words (project data is shown as entered)
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    #[arg(long)]
    json: bool,
}

pub fn history(path: &Path, args: &HistoryArgs) -> Result<ExitCode, Error> {
    let lang = Lang::from(args.lang);
    let query = HistoryQuery {
        project: args.project.clone(),
        author: args.person.clone(),
        from: args
            .from
            .as_deref()
            .map(|d| parse_date("--from", d))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| parse_date("--to", d))
            .transpose()?,
        before: None,
        limit: args.limit,
    };
    let db = Db::open_checked(path, Access::ReadOnly)?;
    let page = db.history(&query, lang, *Local::now().offset())?;
    if args.json {
        let text =
            serde_json::to_string_pretty(&page).map_err(|e| Error::Internal(e.to_string()))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    for e in &page.edits {
        let project = e
            .gist
            .project
            .as_ref()
            .map(|p| p.code.as_str())
            .unwrap_or("");
        let undone = if e.undone {
            lang.pick("  （已撤销）", "  (undone)")
        } else {
            ""
        };
        println!("{}  {:<8}  {}{undone}", e.time, project, e.sentence(lang));
    }
    if page.more {
        println!(
            "{}",
            lang.pick(
                "……更早的修改从略（用 --limit 查看更多）",
                "… older edits left out (see more with --limit)"
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
