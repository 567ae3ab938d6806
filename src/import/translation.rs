//! `gpucast import --translation FILE`: subtitles in another language (SubRip or WebVTT) drawn
//! under the spoken words. Translated cues rarely share the original's cut, so each cue goes
//! to the slide it overlaps most in time, and a slide's cues, in order, are its `translation`.

use super::Bad;
use crate::project::raw::RawSlide;

/// Gives each of `slides` the cues of `text` it overlaps most; the number of cues that
/// overlap no slide (none given to any) is returned, for the summary.
pub fn assign(text: &str, slides: &mut [RawSlide]) -> Result<usize, Bad> {
    let cues = super::subtitles::cue_texts(text)?;
    let mut parts: Vec<Vec<String>> = vec![Vec::new(); slides.len()];
    let mut lost = 0;
    for (start, end, cue) in cues {
        let overlap = |s: &RawSlide| {
            let (a, b) = (s.start.unwrap_or(0.0), s.end.unwrap_or(f64::INFINITY));
            end.min(b) - start.max(a)
        };
        let best = slides
            .iter()
            .enumerate()
            .map(|(i, s)| (i, overlap(s)))
            .filter(|(_, o)| *o > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((i, _)) => parts[i].push(cue),
            None => lost += 1,
        }
    }
    for (slide, cues) in slides.iter_mut().zip(parts) {
        if !cues.is_empty() {
            slide.translation = Some(cues.join(" "));
        }
    }
    Ok(lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slide(start: f64, end: f64) -> RawSlide {
        RawSlide {
            start: Some(start),
            end: Some(end),
            ..Default::default()
        }
    }

    #[test]
    fn cues_go_to_the_slide_they_overlap_most() {
        let srt = "1\n00:00:00,500 --> 00:00:02,100\nBonjour à <i>tous</i>.\n\n\
                   2\n00:00:02,100 --> 00:00:04,800\n[SPEAKER_01]: Le budget\nétait serré.\n\n\
                   3\n00:00:09,000 --> 00:00:10,000\nPerdu.\n";
        let mut slides = vec![slide(0.0, 2.5), slide(2.5, 6.0)];
        assert_eq!(assign(srt, &mut slides).unwrap(), 1);
        assert_eq!(slides[0].translation.as_deref(), Some("Bonjour à tous."));
        assert_eq!(
            slides[1].translation.as_deref(),
            Some("Le budget était serré.")
        );
    }
}
