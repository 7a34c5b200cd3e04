//! Site photos (形象进度照片) attached to weekly updates. A photo's bytes are stored once, under
//! their SHA-256, in `photo_files` (never changed, so not logged; verify checks each against
//! its hash); the `photos` row that attaches them to an update is logged like any other row.
//! The bytes travel with the file, its backups and its replicas; sync carries them with the rows
//! that refer to them (`sync::photo_transfer`).

use std::collections::HashMap;

use base64::Engine;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{PhotoId, ProjectId, UpdateId};
use crate::model::Photo;
use crate::portfolio::photo_file::PreparedPhoto;
use crate::portfolio::projects::find_project;
use crate::store::db::Db;
use crate::store::row_ids::next_id;
use crate::week::IsoWeek;

/// A photo with its week and its thumbnail, ready for an `<img>` (a `data:` URL).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhotoThumb {
    pub photo: Photo,
    pub iso_week: IsoWeek,
    pub thumbnail: String,
}

/// A stored photo's JPEG with what it belongs to, for exports and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPhoto {
    pub photo: Photo,
    pub project_id: ProjectId,
    pub iso_week: IsoWeek,
    pub jpeg: Vec<u8>,
}

/// Stores `prepared` (its bytes once) and attaches it to update `update_id`; logged. The same
/// picture attached to the same update again is not attached twice (None).
pub(crate) fn insert_photo(
    tx: &Transaction<'_>,
    update_id: UpdateId,
    prepared: &PreparedPhoto,
    stamp: &Stamp,
) -> Result<Option<Photo>> {
    let attached: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM photos WHERE update_id = ?1 AND sha256 = ?2)",
        params![update_id, prepared.sha256],
        |r| r.get(0),
    )?;
    if attached {
        return Ok(None);
    }
    tx.execute(
        "INSERT OR IGNORE INTO photo_files (sha256, jpeg, thumbnail) VALUES (?1, ?2, ?3)",
        params![prepared.sha256, prepared.jpeg, prepared.thumbnail],
    )?;
    let row = Photo {
        id: PhotoId(next_id(tx, "photos")?),
        update_id,
        sha256: prepared.sha256.clone(),
        file_name: prepared.file_name.clone(),
        taken_at: prepared.taken_at,
        orientation: prepared.orientation,
        width: prepared.width,
        height: prepared.height,
        bytes: u32::try_from(prepared.jpeg.len()).unwrap_or(u32::MAX),
    };
    tx.execute(
        "INSERT INTO photos (id, update_id, sha256, file_name, taken_at, orientation, width, height, bytes) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            row.id,
            row.update_id,
            row.sha256,
            row.file_name,
            // The text the change log's JSON holds, so verify compares like with like.
            row.taken_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            row.orientation,
            row.width,
            row.height,
            row.bytes
        ],
    )?;
    record(tx, stamp, "photos", row.id.0, None, Some(&row))?;
    Ok(Some(row))
}

fn photo_columns(alias: &str) -> String {
    Photo::COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Db {
    /// Attaches `photos` to project `code`'s update of `week`, in one transaction.
    pub fn attach_photos(
        &mut self,
        code: &str,
        week: IsoWeek,
        photos: &[PreparedPhoto],
        stamp: &Stamp,
    ) -> Result<Vec<Photo>> {
        self.write_tx(|tx| {
            let project = find_project(tx, code)?;
            let update: Option<UpdateId> = tx
                .query_row(
                    "SELECT id FROM weekly_updates WHERE project_id = ?1 AND iso_week = ?2",
                    params![project.id, week],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(update) = update else {
                return Err(Error::invalid(
                    "周次",
                    week.to_string(),
                    &format!(
                        "项目 {} 这一周还没有周报；照片附在周报上，请先提交这一周的周报",
                        project.code
                    ),
                ));
            };
            let mut out = Vec::new();
            for p in photos {
                out.extend(insert_photo(tx, update, p, stamp)?);
            }
            Ok(out)
        })
    }

    /// Project `code`'s photos with their thumbnails, newest week first.
    pub fn photos_of(&self, code: &str) -> Result<Vec<PhotoThumb>> {
        let project = self.project_by_code(code)?;
        let sql = format!(
            "SELECT {}, u.iso_week, f.thumbnail FROM photos p \
             JOIN weekly_updates u ON u.id = p.update_id \
             LEFT JOIN photo_files f ON f.sha256 = p.sha256 \
             WHERE u.project_id = ?1 ORDER BY u.iso_week DESC, p.id",
            photo_columns("p")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([project.id], |r| {
            let thumb: Option<Vec<u8>> = r.get(10)?;
            Ok(PhotoThumb {
                photo: Photo::from_row(r)?,
                iso_week: r.get(9)?,
                // A photo whose bytes have not arrived yet (see sync) shows as an empty frame.
                thumbnail: thumb
                    .map(|t| {
                        format!(
                            "data:image/jpeg;base64,{}",
                            base64::engine::general_purpose::STANDARD.encode(t)
                        )
                    })
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Project `code`'s photos at their stored size (only `week`'s when given), oldest first.
    pub fn stored_photos(&self, code: &str, week: Option<IsoWeek>) -> Result<Vec<StoredPhoto>> {
        let project = self.project_by_code(code)?;
        let sql = format!(
            "SELECT {}, u.project_id, u.iso_week, f.jpeg FROM photos p \
             JOIN weekly_updates u ON u.id = p.update_id \
             JOIN photo_files f ON f.sha256 = p.sha256 \
             WHERE u.project_id = ?1 AND (?2 IS NULL OR u.iso_week = ?2) ORDER BY u.iso_week, p.id",
            photo_columns("p")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![project.id, week], stored_photo)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Each project's latest photo up to `week`: of its latest update that has photos, the
    /// first attached.
    pub fn latest_photos(&self, week: IsoWeek) -> Result<HashMap<ProjectId, StoredPhoto>> {
        // One row per project is chosen before any JPEG is read: a year of weekly photos would
        // otherwise all be loaded to keep fifteen.
        let sql = format!(
            "SELECT {}, latest.project_id, latest.iso_week, f.jpeg FROM ( \
                 SELECT p.*, u.project_id, u.iso_week, row_number() OVER ( \
                     PARTITION BY u.project_id ORDER BY u.iso_week DESC, p.id) AS n \
                 FROM photos p JOIN weekly_updates u ON u.id = p.update_id \
                 JOIN photo_files s ON s.sha256 = p.sha256 \
                 WHERE u.iso_week <= ?1) latest \
             JOIN photo_files f ON f.sha256 = latest.sha256 WHERE latest.n = 1",
            photo_columns("latest")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut out = HashMap::new();
        for row in stmt.query_map([week], stored_photo)? {
            let row = row?;
            out.insert(row.project_id, row);
        }
        Ok(out)
    }
}

impl Db {
    /// Writes project `code`'s photos (only `week`'s when given) into folder `dir` at their
    /// stored size, named `<code>-<week>-<n>-<original name>.jpg`; answers the paths written.
    pub fn export_photos(
        &self,
        code: &str,
        week: Option<IsoWeek>,
        dir: &std::path::Path,
    ) -> Result<Vec<std::path::PathBuf>> {
        let project = self.project_by_code(code)?;
        let photos = self.stored_photos(code, week)?;
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })?;
        let mut written = Vec::new();
        for (n, p) in photos.iter().enumerate() {
            let path = dir.join(export_name(
                &project.code,
                p.iso_week,
                n + 1,
                &p.photo.file_name,
            ));
            crate::store::atomic_file::write_atomically(&path, &p.jpeg)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// `KP21-01-2021-W24-01-工地东侧.jpg`: sortable, and the officer's own name kept, with the
/// characters Windows refuses in a file name replaced.
fn export_name(code: &str, week: IsoWeek, n: usize, original: &str) -> String {
    let stem = original
        .rsplit_once('.')
        .map_or(original, |(stem, _)| stem)
        .chars()
        .map(|c| {
            if "<>:\"/\\|?*".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect::<String>();
    format!("{code}-{week}-{n:02}-{stem}.jpg")
}

fn stored_photo(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredPhoto> {
    Ok(StoredPhoto {
        photo: Photo::from_row(r)?,
        project_id: r.get(9)?,
        iso_week: r.get(10)?,
        jpeg: r.get(11)?,
    })
}
