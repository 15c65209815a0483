//! The SIMD kernels, as compiled for wasm32 with simd128 (natively the scalar fallbacks run,
//! so only this test sees the vector code): they must give the scalar sums for every
//! dimension, including the four-rows-at-a-time paths and their remainders.
#![cfg(target_arch = "wasm32")]

use optin::rank::{add_dots, dot};
use wasm_bindgen_test::*;

fn value(k: usize, modulus: usize, scale: f32) -> f32 {
    ((k * 37 % modulus) as f32 - (modulus / 2) as f32) / scale
}

#[wasm_bindgen_test]
fn simd_dot_products_equal_the_scalar_sums() {
    for dim in [1, 3, 4, 7, 8, 12, 16, 24, 32, 64, 68] {
        let u: Vec<f32> = (0..dim).map(|k| value(k, 29, 7.0)).collect();
        for n in [0, 1, 3, 4, 5, 8, 9, 13] {
            let rows: Vec<f32> = (0..n * dim).map(|k| value(k, 101, 17.0)).collect();
            let mut scores: Vec<f32> = (0..n).map(|i| i as f32).collect();
            add_dots(&u, &rows, dim, &mut scores);
            for (i, &got) in scores.iter().enumerate() {
                let row = &rows[i * dim..(i + 1) * dim];
                let want = i as f32 + u.iter().zip(row).map(|(a, b)| a * b).sum::<f32>();
                assert!(
                    (got - want).abs() <= 1e-4 * (1.0 + want.abs()),
                    "dim {dim}, n {n}, row {i}: {got} vs {want}"
                );
                let single = dot(&u, row);
                assert!((single - (want - i as f32)).abs() <= 1e-4 * (1.0 + want.abs()));
            }
        }
    }
}

#[wasm_bindgen_test]
fn add_dots_ignores_a_user_vector_of_the_wrong_length() {
    let mut scores = vec![1.0f32; 4];
    add_dots(&[1.0; 7], &[1.0; 32], 8, &mut scores);
    assert_eq!(scores, [1.0; 4]);
}
