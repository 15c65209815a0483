//! WebCrypto for the IndexedDB store: AES-GCM record encryption and HMAC key names.
//!
//! Both keys are generated non-extractable and kept in the database: script can use them
//! but never read them, and erasing the database destroys them.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// Length of an AES-GCM nonce.
pub const IV_LEN: usize = 12;

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// `crypto.subtle` of the current global (window or worker).
pub fn subtle() -> Result<SubtleCrypto, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?;
    Reflect::get(&crypto, &JsValue::from_str("subtle"))?
        .dyn_into::<SubtleCrypto>()
        .map_err(|_| JsValue::from_str("WebCrypto is unavailable"))
}

/// Fills `buf` from `crypto.getRandomValues`.
pub fn random(buf: &mut [u8]) -> Result<(), JsValue> {
    getrandom::fill(buf).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The two keys of a database.
#[derive(Clone)]
pub struct Keys {
    /// Encrypts records.
    pub aes: CryptoKey,
    /// Names records (the logical key never appears in the database).
    pub hmac: CryptoKey,
}

impl Keys {
    /// Generates fresh non-extractable keys.
    pub async fn generate() -> Result<Keys, JsValue> {
        let subtle = subtle()?;
        let usages = |u: &[&str]| Array::from_iter(u.iter().map(|s| JsValue::from_str(s)));
        let aes = subtle.generate_key_with_object(
            &object(&[("name", "AES-GCM".into()), ("length", 256.into())]),
            false,
            &usages(&["encrypt", "decrypt"]),
        )?;
        let hmac = subtle.generate_key_with_object(
            &object(&[("name", "HMAC".into()), ("hash", "SHA-256".into())]),
            false,
            &usages(&["sign"]),
        )?;
        Ok(Keys {
            aes: JsFuture::from(aes).await?.dyn_into()?,
            hmac: JsFuture::from(hmac).await?.dyn_into()?,
        })
    }

    /// The database key of a logical key: HMAC-SHA-256, first 16 bytes, hex.
    pub async fn name(&self, logical: &str) -> Result<String, JsValue> {
        let mac = subtle()?.sign_with_str_and_u8_array("HMAC", &self.hmac, logical.as_bytes())?;
        let bytes = Uint8Array::new(&JsFuture::from(mac).await?).to_vec();
        Ok(bytes.iter().take(16).map(|b| format!("{b:02x}")).collect())
    }

    /// Encrypts `plain` for database key `name` under schema `version`:
    /// `[version][iv][ciphertext]`, with `name` and `version` bound as additional data.
    pub async fn seal(&self, name: &str, version: u8, plain: &[u8]) -> Result<Vec<u8>, JsValue> {
        let mut iv = [0u8; IV_LEN];
        random(&mut iv)?;
        let params = gcm_params(&iv, name, version);
        let sealed = subtle()?.encrypt_with_object_and_u8_array(&params, &self.aes, plain)?;
        let cipher = Uint8Array::new(&JsFuture::from(sealed).await?).to_vec();
        let mut out = Vec::with_capacity(1 + IV_LEN + cipher.len());
        out.push(version);
        out.extend_from_slice(&iv);
        out.extend_from_slice(&cipher);
        Ok(out)
    }

    /// Decrypts what [`Keys::seal`] wrote for `name`; `Err` if anything was changed.
    pub async fn open(&self, name: &str, sealed: &[u8]) -> Result<(u8, Vec<u8>), JsValue> {
        if sealed.len() < 1 + IV_LEN + 16 {
            return Err(JsValue::from_str("record too short"));
        }
        let version = sealed[0];
        let params = gcm_params(&sealed[1..1 + IV_LEN], name, version);
        let plain = subtle()?.decrypt_with_object_and_u8_array(
            &params,
            &self.aes,
            &sealed[1 + IV_LEN..],
        )?;
        Ok((
            version,
            Uint8Array::new(&JsFuture::from(plain).await?).to_vec(),
        ))
    }
}

fn gcm_params(iv: &[u8], name: &str, version: u8) -> Object {
    let aad = format!("optin|{name}|{version}");
    object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(iv).into()),
        ("additionalData", Uint8Array::from(aad.as_bytes()).into()),
    ])
}

/// `[len: u16 BE][logical key][value]`: the logical key travels inside the ciphertext.
pub fn envelope(logical: &str, value: &[u8]) -> Vec<u8> {
    let key = logical.as_bytes();
    let len = u16::try_from(key.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(2 + key.len() + value.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&key[..usize::from(len)]);
    out.extend_from_slice(value);
    out
}

/// Splits an envelope into the logical key and the value.
pub fn unwrap_envelope(plain: &[u8]) -> Option<(String, Vec<u8>)> {
    let len = usize::from(u16::from_be_bytes([*plain.first()?, *plain.get(1)?]));
    let key = plain.get(2..2 + len)?;
    Some((
        String::from_utf8(key.to_vec()).ok()?,
        plain.get(2 + len..)?.to_vec(),
    ))
}
