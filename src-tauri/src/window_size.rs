//! The main window's size at start-up: 1280×800 where the screen has room, smaller on a
//! laptop (1366×768 and its taskbar would cut a 1280×800 window off), never below what the
//! views need unless the screen itself is smaller.

use tauri::{AppHandle, LogicalSize, Runtime, WebviewWindow, WebviewWindowBuilder};

/// The main window's label (tauri.conf.json, capabilities/main.json).
pub const MAIN: &str = "main";

/// The size the window opens at when the screen has room (logical pixels).
pub const PREFERRED: (f64, f64) = (1280.0, 800.0);
/// The smallest size the views are laid out for (the window's minimum size unless the screen
/// is smaller).
pub const MINIMUM: (f64, f64) = (960.0, 600.0);
/// Shares of the available width and height the window may take: the rest is left for the
/// window's title bar and borders and a taskbar the work area does not report.
const WIDTH_SHARE: f64 = 0.94;
const HEIGHT_SHARE: f64 = 0.90;

/// The window's inner size on a screen whose available area (the monitor's work area, or
/// the whole monitor when that is unknown) is `available`, both in logical pixels: at most
/// `PREFERRED` and the shares of the available area, at least `MINIMUM`, never larger than
/// the available area itself. Whole pixels.
pub fn fit_window(available: (f64, f64)) -> (f64, f64) {
    let fit = |preferred: f64, minimum: f64, share: f64, room: f64| {
        preferred.min(room * share).max(minimum).min(room).floor()
    };
    (
        fit(PREFERRED.0, MINIMUM.0, WIDTH_SHARE, available.0),
        fit(PREFERRED.1, MINIMUM.1, HEIGHT_SHARE, available.1),
    )
}

/// The minimum size the window allows: `MINIMUM`, or the fitted size where that is smaller
/// (a 1024×600 netbook).
pub fn minimum_for(fitted: (f64, f64)) -> (f64, f64) {
    (MINIMUM.0.min(fitted.0), MINIMUM.1.min(fitted.1))
}

/// Creates the main window (configured in tauri.conf.json with `"create": false`) at the
/// size that fits the primary monitor's work area, centred in it, and says so on stderr.
/// Without a monitor (none reported) it opens at its configured size.
pub fn create_main_window<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or(tauri::Error::WindowNotFound)?;
    let builder = WebviewWindowBuilder::from_config(app, &config)?;
    let monitor = app.primary_monitor().ok().flatten();
    let Some(monitor) = monitor else {
        eprintln!("KeyWorks: no monitor reported; the window opens at its configured size");
        return builder.build();
    };
    let scale = monitor.scale_factor();
    let work = monitor.work_area();
    let area = if work.size.width > 0 && work.size.height > 0 {
        work.size
    } else {
        *monitor.size()
    };
    let area: LogicalSize<f64> = area.to_logical(scale);
    let (width, height) = fit_window((area.width, area.height));
    let (min_width, min_height) = minimum_for((width, height));
    eprintln!(
        "KeyWorks: window {width}×{height} on a work area of {:.0}×{:.0} (scale {scale})",
        area.width, area.height
    );
    builder
        .inner_size(width, height)
        .min_inner_size(min_width, min_height)
        .center()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits_within(size: (f64, f64), available: (f64, f64)) -> bool {
        size.0 <= available.0 && size.1 <= available.1
    }

    #[test]
    fn a_large_screen_gets_the_preferred_size() {
        assert_eq!(fit_window((1920.0, 1080.0)), (1280.0, 800.0));
        assert_eq!(fit_window((2560.0, 1400.0)), (1280.0, 800.0));
    }

    #[test]
    fn a_laptop_gets_a_window_that_fits_with_room_for_the_taskbar() {
        let size = fit_window((1366.0, 768.0));
        assert!(fits_within(size, (1366.0, 768.0)), "{size:?}");
        assert_eq!(size, (1280.0, 691.0));
        assert!(size.1 <= 768.0 * 0.9);
        // The same laptop's work area without a 40-pixel taskbar.
        let size = fit_window((1366.0, 728.0));
        assert_eq!(size, (1280.0, 655.0));
        assert_eq!(minimum_for(size), MINIMUM);
    }

    #[test]
    fn a_small_screen_gets_the_minimum_or_the_whole_screen() {
        let size = fit_window((1024.0, 600.0));
        assert!(fits_within(size, (1024.0, 600.0)), "{size:?}");
        assert_eq!(size, (962.0, 600.0));
        let tiny = fit_window((800.0, 560.0));
        assert_eq!(tiny, (800.0, 560.0));
        assert_eq!(minimum_for(tiny), (800.0, 560.0));
    }

    #[test]
    fn the_size_is_never_below_the_minimum_when_the_screen_has_room() {
        for w in (960..=3840).step_by(7) {
            for h in (600..=2160).step_by(11) {
                let available = (f64::from(w), f64::from(h));
                let size = fit_window(available);
                assert!(fits_within(size, available), "{available:?} → {size:?}");
                assert!(size.0 >= MINIMUM.0 && size.1 >= MINIMUM.1, "{available:?}");
                assert!(
                    size.0 <= PREFERRED.0 && size.1 <= PREFERRED.1,
                    "{available:?}"
                );
            }
        }
    }
}
