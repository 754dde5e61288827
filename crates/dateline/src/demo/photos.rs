//! Demo photos, painted from a scene name and a seed: a sky, a landscape or
//! a townscape, light grain and a vignette, JPEG-encoded at several widths.
//! Deterministic for a given seed, so demo stores look the same everywhere.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{Rgb, RgbImage};

pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 900;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    City,
    Harbour,
    Mountains,
    Field,
    Stadium,
    Night,
    Forest,
    Desert,
    Sea,
    Lab,
    Parliament,
    Market,
}

impl Scene {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "city" => Self::City,
            "harbour" => Self::Harbour,
            "mountains" => Self::Mountains,
            "field" => Self::Field,
            "stadium" => Self::Stadium,
            "night" => Self::Night,
            "forest" => Self::Forest,
            "desert" => Self::Desert,
            "sea" => Self::Sea,
            "lab" => Self::Lab,
            "parliament" => Self::Parliament,
            "market" => Self::Market,
            _ => return None,
        })
    }
}

#[derive(Debug)]
pub struct PaintedRendition {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

#[derive(Debug)]
pub struct Painted {
    pub width: u32,
    pub height: u32,
    pub original: Vec<u8>,
    pub renditions: Vec<PaintedRendition>,
}

/// A small deterministic generator (xorshift64*): demo photos need
/// variety, not cryptographic randomness.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A float in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }
}

type Color = [u8; 3];

fn mix(a: Color, b: Color, t: f32) -> Color {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| (f32::from(a[i]) + (f32::from(b[i]) - f32::from(a[i])) * t) as u8)
}

struct Canvas {
    img: RgbImage,
}

impl Canvas {
    fn new() -> Self {
        Self { img: RgbImage::new(WIDTH, HEIGHT) }
    }

    fn w(&self) -> f32 {
        WIDTH as f32
    }

    fn h(&self) -> f32 {
        HEIGHT as f32
    }

    fn vertical_gradient(&mut self, y0: f32, y1: f32, top: Color, bottom: Color) {
        let (a, b) = (y0.max(0.0) as u32, (y1.min(self.h())) as u32);
        for y in a..b {
            let c = mix(top, bottom, (y as f32 - y0) / (y1 - y0).max(1.0));
            for x in 0..WIDTH {
                self.img.put_pixel(x, y, Rgb(c));
            }
        }
    }

    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Color) {
        let (xa, xb) = (x0.max(0.0) as u32, x1.min(self.w()).max(0.0) as u32);
        let (ya, yb) = (y0.max(0.0) as u32, y1.min(self.h()).max(0.0) as u32);
        for y in ya..yb {
            for x in xa..xb {
                self.img.put_pixel(x, y, Rgb(color));
            }
        }
    }

    fn circle(&mut self, cx: f32, cy: f32, r: f32, color: Color, alpha: f32) {
        let (ya, yb) = ((cy - r).max(0.0) as u32, (cy + r).min(self.h() - 1.0).max(0.0) as u32);
        let (xa, xb) = ((cx - r).max(0.0) as u32, (cx + r).min(self.w() - 1.0).max(0.0) as u32);
        for y in ya..=yb {
            for x in xa..=xb {
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                if d <= r {
                    let edge = (r - d).min(1.5) / 1.5;
                    let p = self.img.get_pixel_mut(x, y);
                    p.0 = mix(p.0, color, alpha * edge);
                }
            }
        }
    }

    /// Fills everything below `ridge(x)` with `color`, shaded darker downward.
    fn below(&mut self, color: Color, shade: f32, ridge: impl Fn(f32) -> f32) {
        for x in 0..WIDTH {
            let top = ridge(x as f32).clamp(0.0, self.h());
            for y in top as u32..HEIGHT {
                let depth = (y as f32 - top) / self.h();
                self.img.put_pixel(x, y, Rgb(mix(color, [0, 0, 0], depth * shade)));
            }
        }
    }

    fn triangle(&mut self, apex_x: f32, apex_y: f32, half_base: f32, base_y: f32, color: Color) {
        let height = (base_y - apex_y).max(1.0);
        for y in apex_y.max(0.0) as u32..base_y.min(self.h()) as u32 {
            let half = half_base * (y as f32 - apex_y) / height;
            self.rect(apex_x - half, y as f32, apex_x + half, y as f32 + 1.0, color);
        }
    }

    /// Film grain and a vignette, so flat shapes read as a photograph.
    fn finish(&mut self, dice: &mut Dice) {
        let (cx, cy) = (self.w() / 2.0, self.h() / 2.0);
        let max = (cx * cx + cy * cy).sqrt();
        for (x, y, p) in self.img.enumerate_pixels_mut() {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() / max;
            let light = 1.0 - 0.35 * d * d;
            let grain = ((dice.next() >> 59) as f32) - 16.0;
            p.0 = p.0.map(|v| (f32::from(v) * light + grain * 0.35).clamp(0.0, 255.0) as u8);
        }
    }
}

fn skyline(c: &mut Canvas, dice: &mut Dice, base: f32, body: Color, window: Color, lit: f32) {
    let mut x = -20.0;
    while x < c.w() {
        let w = dice.range(60.0, 160.0);
        let h = dice.range(120.0, 420.0);
        let shade = mix(body, [0, 0, 0], dice.range(0.0, 0.25));
        c.rect(x, base - h, x + w - 6.0, base, shade);
        let mut wy = base - h + 16.0;
        while wy < base - 20.0 {
            let mut wx = x + 10.0;
            while wx < x + w - 22.0 {
                if dice.unit() < lit {
                    c.rect(wx, wy, wx + 10.0, wy + 14.0, window);
                }
                wx += 20.0;
            }
            wy += 28.0;
        }
        x += w;
    }
}

/// Paints `scene` and encodes it at full size and at each of `widths`.
pub fn paint(scene: Scene, seed: u64, widths: &[u32]) -> anyhow::Result<Painted> {
    let mut dice = Dice::new(seed + 1);
    let mut c = Canvas::new();
    let (w, h) = (c.w(), c.h());
    let horizon = h * dice.range(0.5, 0.62);
    match scene {
        Scene::City => {
            c.vertical_gradient(0.0, horizon, [110, 160, 210], [220, 230, 240]);
            c.circle(w * dice.range(0.6, 0.9), h * 0.18, 60.0, [255, 244, 214], 0.9);
            skyline(&mut c, &mut dice, h * 0.82, [96, 104, 120], [200, 214, 228], 0.5);
            c.vertical_gradient(h * 0.82, h, [70, 72, 80], [40, 40, 46]);
        }
        Scene::Harbour => {
            c.vertical_gradient(0.0, horizon, [150, 180, 210], [235, 225, 210]);
            c.vertical_gradient(horizon, h, [60, 100, 130], [20, 45, 70]);
            let mut x = w * 0.05;
            while x < w * 0.95 {
                let top = horizon - dice.range(180.0, 300.0);
                c.rect(x, top, x + 14.0, horizon + 10.0, [60, 60, 70]);
                c.rect(x - 60.0, top, x + 180.0, top + 14.0, [190, 70, 40]);
                x += dice.range(260.0, 420.0);
            }
            let palette = [[180, 60, 50], [40, 90, 150], [210, 160, 40], [60, 130, 90], [120, 120, 130]];
            for row in 0..4 {
                let mut x = 0.0;
                while x < w {
                    let color = palette[(dice.next() % 5) as usize];
                    let y = horizon - 30.0 * (row as f32 + 1.0);
                    if dice.unit() < 0.8 {
                        c.rect(x, y, x + 78.0, y + 28.0, color);
                    }
                    x += 80.0;
                }
            }
        }
        Scene::Mountains => {
            c.vertical_gradient(0.0, horizon + 100.0, [90, 140, 200], [220, 232, 245]);
            let layers: [(Color, f32, f32); 3] =
                [([150, 170, 195], 0.35, 160.0), ([90, 110, 130], 0.5, 200.0), ([45, 60, 55], 0.68, 150.0)];
            for (color, level, amp) in layers {
                let (p1, p2, p3) = (dice.range(0.0, 6.3), dice.range(0.0, 6.3), dice.range(0.0, 6.3));
                c.below(color, 0.6, |x| {
                    let t = x / w * 6.3;
                    h * level
                        - amp
                            * ((t * 1.3 + p1).sin().abs() * 0.6
                                + (t * 3.1 + p2).sin() * 0.25
                                + (t * 7.0 + p3).sin() * 0.08)
                });
            }
        }
        Scene::Field => {
            c.vertical_gradient(0.0, horizon, [120, 175, 225], [235, 240, 235]);
            c.circle(w * dice.range(0.1, 0.4), h * 0.2, 70.0, [255, 250, 220], 0.95);
            let greens: [Color; 3] = [[110, 150, 60], [190, 170, 70], [90, 130, 50]];
            let mut y = horizon;
            let mut band = 6.0;
            let mut i = 0;
            while y < h {
                c.rect(0.0, y, w, y + band, greens[i % 3]);
                y += band;
                band *= 1.25;
                i += 1;
            }
        }
        Scene::Stadium => {
            c.vertical_gradient(0.0, h * 0.3, [15, 20, 45], [40, 50, 90]);
            for x in [0.12, 0.38, 0.62, 0.88] {
                c.circle(w * x, h * 0.08, 30.0, [255, 255, 235], 0.9);
                c.circle(w * x, h * 0.08, 90.0, [255, 255, 220], 0.15);
            }
            c.vertical_gradient(h * 0.3, h * 0.55, [70, 70, 85], [40, 40, 50]);
            for _ in 0..2500 {
                let (x, y) = (dice.range(0.0, w), dice.range(h * 0.31, h * 0.54));
                let crowd: [Color; 4] = [[200, 40, 40], [240, 240, 240], [40, 80, 180], [230, 200, 60]];
                c.rect(x, y, x + 5.0, y + 5.0, crowd[(dice.next() % 4) as usize]);
            }
            c.vertical_gradient(h * 0.55, h, [50, 140, 60], [30, 110, 45]);
            for k in 0..8 {
                if k % 2 == 0 {
                    c.rect(
                        0.0,
                        h * 0.55 + k as f32 * 50.0,
                        w,
                        h * 0.55 + (k as f32 + 1.0) * 50.0,
                        [45, 130, 55],
                    );
                }
            }
            c.rect(0.0, h * 0.7, w, h * 0.7 + 5.0, [240, 240, 240]);
            c.circle(w * 0.5, h * 0.7, 120.0, [240, 240, 240], 0.0);
        }
        Scene::Night => {
            c.vertical_gradient(0.0, h, [8, 12, 35], [40, 40, 80]);
            for _ in 0..400 {
                let (x, y) = (dice.range(0.0, w), dice.range(0.0, h * 0.5));
                c.circle(x, y, dice.range(0.6, 1.8), [255, 255, 255], dice.range(0.4, 1.0));
            }
            c.circle(w * 0.8, h * 0.16, 50.0, [245, 240, 220], 1.0);
            skyline(&mut c, &mut dice, h, [20, 22, 35], [250, 210, 120], 0.35);
        }
        Scene::Forest => {
            c.vertical_gradient(0.0, horizon, [160, 200, 225], [230, 238, 230]);
            c.vertical_gradient(horizon, h, [60, 90, 50], [30, 50, 30]);
            for layer in 0..3 {
                let base = horizon + 60.0 + layer as f32 * 90.0;
                let color = mix([70, 110, 80], [20, 50, 30], layer as f32 / 2.0);
                let mut x = dice.range(-40.0, 0.0);
                while x < w + 40.0 {
                    let tall = dice.range(180.0, 320.0) + layer as f32 * 40.0;
                    c.triangle(x, base - tall, dice.range(40.0, 70.0), base, color);
                    x += dice.range(50.0, 90.0);
                }
            }
        }
        Scene::Desert => {
            c.vertical_gradient(0.0, horizon, [240, 170, 110], [250, 225, 180]);
            c.circle(w * dice.range(0.3, 0.7), horizon - 40.0, 90.0, [255, 240, 200], 0.95);
            for (i, color) in [[225, 175, 110], [205, 150, 90], [180, 125, 70]].into_iter().enumerate() {
                let phase = dice.range(0.0, 6.3);
                let level = horizon + i as f32 * 70.0;
                c.below(color, 0.5, |x| {
                    level - 40.0 * ((x / w * 5.0 + phase).sin()) - 15.0 * ((x / w * 13.0).cos())
                });
            }
        }
        Scene::Sea => {
            c.vertical_gradient(0.0, horizon, [120, 170, 220], [225, 235, 245]);
            c.vertical_gradient(horizon, h, [40, 110, 160], [10, 45, 80]);
            for k in 0..40 {
                let y = horizon + 8.0 + (k as f32).powf(1.6) * 3.0;
                let phase = dice.range(0.0, 6.3);
                for x in (0..WIDTH).step_by(3) {
                    let yy = y + 3.0 * ((x as f32 / 40.0) + phase).sin();
                    c.rect(x as f32, yy, x as f32 + 3.0, yy + 2.0, [150, 190, 215]);
                }
            }
            let bx = w * dice.range(0.2, 0.7);
            c.rect(bx, horizon - 26.0, bx + 160.0, horizon + 6.0, [235, 235, 235]);
            c.rect(bx + 40.0, horizon - 60.0, bx + 110.0, horizon - 26.0, [200, 60, 50]);
        }
        Scene::Lab => {
            c.vertical_gradient(0.0, h * 0.62, [215, 225, 230], [180, 195, 205]);
            for k in 0..3 {
                let y = h * (0.12 + 0.14 * k as f32);
                c.rect(w * 0.05, y, w * 0.95, y + 10.0, [150, 160, 170]);
            }
            c.vertical_gradient(h * 0.62, h, [90, 100, 110], [50, 56, 62]);
            c.rect(0.0, h * 0.6, w, h * 0.64, [235, 238, 240]);
            let liquids: [Color; 4] = [[60, 160, 200], [220, 90, 90], [120, 200, 120], [240, 190, 60]];
            let mut x = w * 0.08;
            while x < w * 0.92 {
                let r = dice.range(30.0, 60.0);
                let color = liquids[(dice.next() % 4) as usize];
                c.rect(x - 8.0, h * 0.6 - r * 2.6, x + 8.0, h * 0.6 - r, [200, 220, 230]);
                c.circle(x, h * 0.6 - r, r, [210, 230, 240], 0.8);
                c.circle(x, h * 0.6 - r * 0.8, r * 0.8, color, 0.85);
                x += dice.range(120.0, 220.0);
            }
        }
        Scene::Parliament => {
            c.vertical_gradient(0.0, h * 0.8, [130, 170, 215], [230, 236, 242]);
            c.vertical_gradient(h * 0.8, h, [150, 150, 145], [110, 110, 105]);
            let (x0, x1) = (w * 0.15, w * 0.85);
            c.rect(x0, h * 0.45, x1, h * 0.8, [225, 215, 195]);
            c.triangle(w * 0.5, h * 0.3, w * 0.37, h * 0.45, [215, 205, 185]);
            c.circle(w * 0.5, h * 0.3, 110.0, [180, 190, 170], 1.0);
            c.rect(w * 0.5 - 6.0, h * 0.3 - 170.0, w * 0.5 + 6.0, h * 0.3 - 100.0, [90, 90, 90]);
            let mut x = x0 + 30.0;
            while x < x1 - 30.0 {
                c.rect(x, h * 0.47, x + 26.0, h * 0.78, [245, 240, 228]);
                x += 70.0;
            }
            for k in 0..5 {
                let y = h * 0.8 + k as f32 * 10.0;
                c.rect(x0 - k as f32 * 20.0, y, x1 + k as f32 * 20.0, y + 8.0, [205, 200, 190]);
            }
        }
        Scene::Market => {
            c.vertical_gradient(0.0, h * 0.5, [140, 185, 230], [240, 238, 230]);
            c.vertical_gradient(h * 0.5, h, [170, 150, 120], [110, 95, 75]);
            let awnings: [(Color, Color); 3] = [
                ([200, 50, 50], [245, 240, 235]),
                ([40, 90, 170], [245, 240, 235]),
                ([60, 140, 80], [250, 230, 120]),
            ];
            let mut x = w * 0.02;
            while x < w * 0.95 {
                let sw = dice.range(220.0, 320.0);
                let (a, b) = awnings[(dice.next() % 3) as usize];
                let top = h * dice.range(0.28, 0.36);
                let mut s = x;
                let mut even = true;
                while s < x + sw {
                    c.rect(s, top, (s + 24.0).min(x + sw), top + 70.0, if even { a } else { b });
                    s += 24.0;
                    even = !even;
                }
                c.rect(x + 6.0, top + 70.0, x + 14.0, h * 0.72, [80, 60, 40]);
                c.rect(x + sw - 14.0, top + 70.0, x + sw - 6.0, h * 0.72, [80, 60, 40]);
                c.rect(x, h * 0.62, x + sw, h * 0.66, [130, 95, 60]);
                let produce: [Color; 4] = [[230, 120, 30], [200, 40, 40], [120, 180, 50], [240, 200, 40]];
                for _ in 0..40 {
                    let px = dice.range(x + 12.0, x + sw - 12.0);
                    c.circle(
                        px,
                        h * 0.62 - dice.range(6.0, 30.0),
                        10.0,
                        produce[(dice.next() % 4) as usize],
                        1.0,
                    );
                }
                x += sw + dice.range(20.0, 60.0);
            }
        }
    }
    c.finish(&mut dice);

    let original = encode(&c.img)?;
    let mut renditions = Vec::new();
    for &width in widths {
        let height = HEIGHT * width / WIDTH;
        let jpeg = if width >= WIDTH {
            original.clone()
        } else {
            encode(&image::imageops::resize(&c.img, width, height, FilterType::Triangle))?
        };
        renditions.push(PaintedRendition { width: width.min(WIDTH), height: height.min(HEIGHT), jpeg });
    }
    Ok(Painted { width: WIDTH, height: HEIGHT, original, renditions })
}

fn encode(img: &RgbImage) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity((img.width() * img.height() / 8) as usize);
    JpegEncoder::new_with_quality(&mut out, 80).encode_image(img)?;
    Ok(out)
}
