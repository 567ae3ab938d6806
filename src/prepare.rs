//! A project made ready to render: loaded (or imported on the fly), laid out into a `Scene`
//! and planned into a `Timeline`, with every input checked before any output exists.

use std::path::Path;
use std::sync::Arc;

use crate::import;
use crate::job::{Checks, Source};
use crate::project::{self, Project};
use crate::scene::Scene;
use crate::timeline::{self, Timeline};

/// A project loaded, planned and laid out: everything a render needs, all input checked.
pub struct Prepared {
    pub project: Project,
    pub timeline: Timeline,
    pub scene: Arc<Scene>,
}

impl Prepared {
    /// Everything that was repaired or will be drawn other than asked, each with its path:
    /// clamped word times, text overflowing the frame, characters no font has.
    pub fn warnings(&self) -> Vec<String> {
        let mut all = self.project.warnings.clone();
        if let Some(damage) = &self.project.audio_info.damage {
            all.push(format!(
                "audio: {} is damaged: {damage}",
                self.project.audio.display()
            ));
        }
        all.extend(self.scene.warnings.iter().cloned());
        all
    }

    /// Refuses what `checks` does not allow: narration that did not decode whole (unless
    /// `allow_partial_audio`), and under `strict` any warning at all.
    pub fn check(&self, checks: &Checks) -> anyhow::Result<()> {
        if let Some(damage) = &self.project.audio_info.damage {
            let file = self.project.audio.display();
            if !checks.allow_partial_audio {
                anyhow::bail!(
                    "audio {file} is damaged: {damage}. --allow-partial-audio renders it with silence where audio is missing"
                );
            }
            log::warn!("audio {file} is damaged: {damage}; silence stands in for what is missing");
        }
        if checks.strict {
            self.check_strict()?;
        }
        Ok(())
    }

    /// `--strict`: the warnings as one error.
    fn check_strict(&self) -> anyhow::Result<()> {
        let w = self.warnings();
        if w.is_empty() {
            return Ok(());
        }
        let what = match w.len() {
            1 => "1 warning is an error".to_string(),
            n => format!("{n} warnings are errors"),
        };
        anyhow::bail!("--strict: {what}:\n  {}", w.join("\n  "))
    }
}

pub fn prepare(path: &Path) -> anyhow::Result<Prepared> {
    prepare_source(&Source::Project(path.to_path_buf()))
}

pub fn prepare_source(source: &Source) -> anyhow::Result<Prepared> {
    let project = match source {
        Source::Project(path) => project::load(path)?,
        Source::Timings {
            timings,
            audio,
            options,
        } => {
            // Paths stay as the user gave them, relative to the working folder.
            let here = Path::new(".");
            let imported = import::import(
                Some(timings),
                audio,
                &audio.to_string_lossy(),
                here,
                options,
            )?;
            project::from_raw(imported.project, here, timings, Some(imported.audio))?
        }
        Source::Json { text, base } => {
            let name = Path::new("project dict");
            project::from_raw(project::parse(name, text)?, base, name, None)?
        }
    };
    prepare_project(project)
}

/// A project already resolved (the studio's drafts, whose narration was measured once), laid
/// out and planned.
pub fn prepare_project(project: Project) -> anyhow::Result<Prepared> {
    let scene = Scene::build(&project)?;
    let motion = crate::layers::Motion::measure(&project, &scene.layers)?;
    let timeline = timeline::plan(&project, &|s, w| scene.place(s, w), &|f, v| motion.at(f, v));
    Ok(Prepared {
        project,
        timeline,
        scene: Arc::new(scene),
    })
}
