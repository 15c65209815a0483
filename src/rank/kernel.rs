//! The inner loops: dot products (SIMD on wasm32 with `simd128`) and top-k selection.

/// `a · b` over the shorter length.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::{
        f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128, v128_load,
    };
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc0 = f32x4_splat(0.0);
    let mut acc1 = f32x4_splat(0.0);
    let mut chunks_a = a.chunks_exact(8);
    let mut chunks_b = b.chunks_exact(8);
    for (x, y) in (&mut chunks_a).zip(&mut chunks_b) {
        // SAFETY: each chunk holds 8 f32 (32 bytes); the loads read x[0..4], x[4..8] and the
        // same of y, all in bounds. v128_load has no alignment requirement.
        let (x0, x1, y0, y1) = unsafe {
            let px = x.as_ptr() as *const v128;
            let py = y.as_ptr() as *const v128;
            (
                v128_load(px),
                v128_load(px.add(1)),
                v128_load(py),
                v128_load(py.add(1)),
            )
        };
        acc0 = f32x4_add(acc0, f32x4_mul(x0, y0));
        acc1 = f32x4_add(acc1, f32x4_mul(x1, y1));
    }
    let acc = f32x4_add(acc0, acc1);
    let mut sum = f32x4_extract_lane::<0>(acc)
        + f32x4_extract_lane::<1>(acc)
        + f32x4_extract_lane::<2>(acc)
        + f32x4_extract_lane::<3>(acc);
    for (x, y) in chunks_a.remainder().iter().zip(chunks_b.remainder()) {
        sum += x * y;
    }
    sum
}

/// `a · b` over the shorter length (four accumulators, which compilers vectorize).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut sum = acc[0] + acc[1] + acc[2] + acc[3];
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        sum += x * y;
    }
    sum
}

/// Adds `u · row_i` to `scores[i]` for every row of `rows` (`dim` floats each, row-major).
/// With `simd128` and a dimension of 8, 16, 32 or 64 the user vector stays in registers and
/// rows go four at a time (see [`add_dots_by_4`]); other dimensions take [`dot`] per row.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn add_dots(u: &[f32], rows: &[f32], dim: usize, scores: &mut [f32]) {
    if dim == 0 || u.len() != dim {
        return;
    }
    match dim {
        8 => add_dots_by_4::<2>(u, rows, scores),
        16 => add_dots_by_4::<4>(u, rows, scores),
        32 => add_dots_by_4::<8>(u, rows, scores),
        64 => add_dots_by_4::<16>(u, rows, scores),
        _ => {
            for (s, row) in scores.iter_mut().zip(rows.chunks_exact(dim)) {
                *s += dot(u, row);
            }
        }
    }
}

/// [`add_dots`] for `dim = 4 * LANES`. One accumulator per row, four rows at a time: four
/// independent chains of adds keep the CPU busy where one row's chain would leave it waiting
/// on each add, and the four sums come out of one transpose as a vector added to `scores`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn add_dots_by_4<const LANES: usize>(u: &[f32], rows: &[f32], scores: &mut [f32]) {
    use core::arch::wasm32::{
        f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, i32x4_shuffle, v128, v128_load,
        v128_store,
    };
    let dim = 4 * LANES;
    if u.len() != dim {
        return;
    }
    let mut user = [f32x4_splat(0.0); LANES];
    for (k, slot) in user.iter_mut().enumerate() {
        // SAFETY: k < LANES and u.len() == 4 * LANES, so u[4k..4k+4] is in bounds.
        *slot = unsafe { v128_load(u.as_ptr().add(4 * k) as *const v128) };
    }
    let n = scores.len().min(rows.len() / dim);
    let blocks = n / 4;
    for b in 0..blocks {
        let i = 4 * b;
        // SAFETY: rows i..i+4 exist (i + 4 <= n <= rows.len() / dim), each LANES vectors long.
        let row = |r: usize| unsafe { rows.as_ptr().add((i + r) * dim) as *const v128 };
        let (p0, p1, p2, p3) = (row(0), row(1), row(2), row(3));
        let (mut a0, mut a1, mut a2, mut a3) = (
            f32x4_splat(0.0),
            f32x4_splat(0.0),
            f32x4_splat(0.0),
            f32x4_splat(0.0),
        );
        for (k, &uk) in user.iter().enumerate() {
            // SAFETY: k < LANES: within each row.
            unsafe {
                a0 = f32x4_add(a0, f32x4_mul(uk, v128_load(p0.add(k))));
                a1 = f32x4_add(a1, f32x4_mul(uk, v128_load(p1.add(k))));
                a2 = f32x4_add(a2, f32x4_mul(uk, v128_load(p2.add(k))));
                a3 = f32x4_add(a3, f32x4_mul(uk, v128_load(p3.add(k))));
            }
        }
        // Transpose-add: lane r of the result is the sum of the lanes of a_r.
        let s01 = f32x4_add(
            i32x4_shuffle::<0, 4, 1, 5>(a0, a1),
            i32x4_shuffle::<2, 6, 3, 7>(a0, a1),
        );
        let s23 = f32x4_add(
            i32x4_shuffle::<0, 4, 1, 5>(a2, a3),
            i32x4_shuffle::<2, 6, 3, 7>(a2, a3),
        );
        let sums = f32x4_add(
            i32x4_shuffle::<0, 1, 4, 5>(s01, s23),
            i32x4_shuffle::<2, 3, 6, 7>(s01, s23),
        );
        // SAFETY: i + 4 <= n <= scores.len(); v128 loads and stores need no alignment.
        unsafe {
            let out = scores.as_mut_ptr().add(i) as *mut v128;
            v128_store(out, f32x4_add(v128_load(out), sums));
        }
    }
    for i in 4 * blocks..n {
        let p = rows[i * dim..].as_ptr() as *const v128;
        let mut acc = f32x4_splat(0.0);
        for (k, &uk) in user.iter().enumerate() {
            // SAFETY: row i has dim = 4 * LANES floats and k < LANES.
            acc = f32x4_add(acc, f32x4_mul(uk, unsafe { v128_load(p.add(k)) }));
        }
        scores[i] += f32x4_extract_lane::<0>(acc)
            + f32x4_extract_lane::<1>(acc)
            + f32x4_extract_lane::<2>(acc)
            + f32x4_extract_lane::<3>(acc);
    }
}

/// Adds `u · row_i` to `scores[i]` for every row of `rows` (`dim` floats each, row-major).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub fn add_dots(u: &[f32], rows: &[f32], dim: usize, scores: &mut [f32]) {
    if dim == 0 || u.len() != dim {
        return;
    }
    for (s, row) in scores.iter_mut().zip(rows.chunks_exact(dim)) {
        *s += dot(u, row);
    }
}

/// The order of results: higher score first, then better baseline rank, then catalog order.
#[inline]
pub fn better(a: (f32, u32, u32), b: (f32, u32, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && (a.1, a.2) < (b.1, b.2))
}

/// The best `k` of `(score, baseline rank, index)` in order, by a bounded min-heap: one pass,
/// `O(n log k)`, no full sort.
pub struct TopK {
    k: usize,
    heap: Vec<(f32, u32, u32)>,
}

impl TopK {
    /// Keeps the best `k`.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            heap: Vec::with_capacity(k),
        }
    }

    /// The score a candidate must reach to be kept (all pass until `k` are kept).
    #[inline]
    pub fn threshold(&self) -> f32 {
        if self.heap.len() < self.k {
            f32::NEG_INFINITY
        } else {
            self.heap.first().map_or(f32::INFINITY, |h| h.0)
        }
    }

    /// Offers a candidate.
    #[inline]
    pub fn push(&mut self, item: (f32, u32, u32)) {
        if self.heap.len() < self.k {
            self.heap.push(item);
            let mut i = self.heap.len() - 1;
            while i > 0 {
                let parent = (i - 1) / 2;
                if better(self.heap[parent], self.heap[i]) {
                    self.heap.swap(parent, i);
                    i = parent;
                } else {
                    break;
                }
            }
        } else if self.k > 0 && better(item, self.heap[0]) {
            self.heap[0] = item;
            let n = self.heap.len();
            sift_down(&mut self.heap[..n]);
        }
    }

    /// The kept candidates, best first: heapsort in place (the worst goes to the end, the
    /// heap shrinks by one), no allocation. `better` is a total order, so the result is
    /// unique.
    pub fn into_sorted(mut self) -> Vec<(f32, u32, u32)> {
        for end in (1..self.heap.len()).rev() {
            self.heap.swap(0, end);
            sift_down(&mut self.heap[..end]);
        }
        self.heap
    }
}

/// Moves the root of a min-heap (worst on top) down to its place.
#[inline]
fn sift_down(heap: &mut [(f32, u32, u32)]) {
    let n = heap.len();
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut worst = i;
        if l < n && better(heap[worst], heap[l]) {
            worst = l;
        }
        if r < n && better(heap[worst], heap[r]) {
            worst = r;
        }
        if worst == i {
            break;
        }
        heap.swap(i, worst);
        i = worst;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_dots_matches_dot_per_row() {
        for dim in [1, 3, 4, 8, 32, 36, 64, 68] {
            let rows: Vec<f32> = (0..dim * 5).map(|i| (i % 7) as f32 - 3.0).collect();
            let u: Vec<f32> = (0..dim).map(|i| 0.5 - (i % 3) as f32).collect();
            let mut scores = vec![1.0; 5];
            add_dots(&u, &rows, dim, &mut scores);
            for (i, s) in scores.iter().enumerate() {
                assert!(
                    (s - 1.0 - dot(&u, &rows[i * dim..(i + 1) * dim])).abs() < 1e-3,
                    "dim {dim} row {i}"
                );
            }
        }
    }

    #[test]
    fn dot_matches_the_naive_sum_for_every_length() {
        for n in 0..40 {
            let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 3.0).collect();
            let b: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.25).collect();
            let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() < 1e-3, "n = {n}");
        }
    }
}
