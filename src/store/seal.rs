//! Records that must not be readable from the data directory alone: who may
//! vote in a secret ballot, whether they have voted, and the ballot box.
//!
//! A secret ballot needs both who voted (one person, one vote) and the
//! counts. Written in clear, two copies of the data directory (two backups,
//! or the database before and after a vote) would show whose flag turned
//! and which count grew. So these records are sealed with a key that comes
//! from the configuration's secret source (`[bot] passphrase_env` or
//! `passphrase_file`), never from the data directory:
//!
//! - an elector's key is the ballot number and a keyed digest of the user
//!   id, so the list of electors names nobody;
//! - each value is encrypted (XChaCha20-Poly1305) and padded to a size that
//!   depends only on what is public (the number of answers), so neither a
//!   choice nor a count shows in the length;
//! - the nonce is derived from the padded plaintext (a synthetic IV), so the
//!   same data gives the same bytes: exports stay reproducible. Equal
//!   plaintexts give equal ciphertexts, and none repeats: every plaintext
//!   holds its ballot number and either a user id or a count of ballots
//!   that only grows.
//!
//! Whoever holds the passphrase and the data can read them, as the running
//! bot does: `docs/privacy.md` says who that is.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::StoreError;

/// The fewest characters a passphrase may have. Generated ones
/// (`openssl rand -base64 32`) have 44.
pub const MIN_PASSPHRASE_CHARS: usize = 20;

/// The passphrase of [`Seal::for_tests`]: test fixtures are sealed with it.
pub const TEST_PASSPHRASE: &str = "boucle test passphrase, never used for real data";

/// Plaintexts are padded to a multiple of this.
const BLOCK: usize = 256;

/// The keys derived from the passphrase.
#[derive(Clone)]
pub struct Seal {
    cipher_key: [u8; 32],
    name_key: [u8; 32],
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Seal(…)")
    }
}

fn derive(passphrase: &str, purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(passphrase.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"boucle seal v1: ");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// A sealed value as stored: nonce and ciphertext, in hexadecimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub sealed: String,
}

impl Seal {
    /// The keys for `passphrase`. The passphrase is long and random (see
    /// [`MIN_PASSPHRASE_CHARS`]), so one keyed hash is derivation enough.
    pub fn from_passphrase(passphrase: &str) -> Seal {
        Seal {
            cipher_key: derive(passphrase, "cipher"),
            name_key: derive(passphrase, "name"),
        }
    }

    /// A fixed key for tests and tools working on throwaway data.
    pub fn for_tests() -> Seal {
        Seal::from_passphrase(TEST_PASSPHRASE)
    }

    /// A digest of `text` that only the passphrase's holder can compute:
    /// it stands for a person in a key without naming them.
    pub fn name(&self, text: &[u8]) -> [u8; 16] {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.name_key).expect("HMAC takes 32-byte keys");
        mac.update(text);
        let digest = mac.finalize().into_bytes();
        let mut name = [0; 16];
        name.copy_from_slice(&digest[..16]);
        name
    }

    /// `plaintext` padded to `size` bytes at least (a multiple of 256 above
    /// it when longer), then encrypted.
    pub fn seal(&self, plaintext: &[u8], size: usize) -> Sealed {
        let length = u32::try_from(plaintext.len()).expect("sealed records are small");
        let mut padded = length.to_be_bytes().to_vec();
        padded.extend_from_slice(plaintext);
        let target = size.max(padded.len()).div_ceil(BLOCK) * BLOCK;
        padded.resize(target, 0);
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.name_key).expect("HMAC takes 32-byte keys");
        mac.update(b"nonce: ");
        mac.update(&padded);
        let digest = mac.finalize().into_bytes();
        let nonce = XNonce::from_slice(&digest[..24]);
        let cipher =
            <XChaCha20Poly1305 as chacha20poly1305::KeyInit>::new((&self.cipher_key).into());
        let ciphertext = cipher
            .encrypt(
                nonce,
                Payload {
                    msg: &padded,
                    aad: b"boucle",
                },
            )
            .expect("encryption of a small buffer cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        Sealed {
            sealed: hex::encode(bytes),
        }
    }

    /// The plaintext of `sealed`, or an error if it was sealed with another
    /// passphrase or damaged.
    pub fn open(&self, sealed: &Sealed, kind: &'static str) -> Result<Vec<u8>, StoreError> {
        let unreadable = |details: &str| StoreError::Decode {
            kind,
            details: details.to_owned(),
        };
        let bytes = hex::decode(&sealed.sealed).map_err(|_| unreadable("not hexadecimal"))?;
        if bytes.len() < 24 {
            return Err(unreadable("too short"));
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let cipher =
            <XChaCha20Poly1305 as chacha20poly1305::KeyInit>::new((&self.cipher_key).into());
        let padded = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: b"boucle",
                },
            )
            .map_err(|_| {
                unreadable(
                    "sealed with another passphrase (was [bot] passphrase changed?), or damaged",
                )
            })?;
        let (length, rest) = padded
            .split_at_checked(4)
            .ok_or_else(|| unreadable("no length"))?;
        let length = u32::from_be_bytes(length.try_into().expect("four bytes")) as usize;
        rest.get(..length)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| unreadable("bad length"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_with_the_same_passphrase_only() {
        let seal = Seal::from_passphrase("a long random passphrase for tests");
        let sealed = seal.seal(b"{\"counts\":[3,1]}", 512);
        assert!(!sealed.sealed.contains("counts"));
        assert_eq!(seal.open(&sealed, "box").unwrap(), b"{\"counts\":[3,1]}");
        let other = Seal::from_passphrase("another long random passphrase");
        assert!(other.open(&sealed, "box").is_err());
    }

    #[test]
    fn the_length_shows_the_size_asked_for_not_the_content() {
        let seal = Seal::for_tests();
        let short = seal.seal(b"[9]", 512);
        let long = seal.seal(b"[1000000000]", 512);
        assert_eq!(short.sealed.len(), long.sealed.len());
        assert_ne!(short, long);
        // The same plaintext gives the same bytes (reproducible exports).
        assert_eq!(seal.seal(b"[9]", 512), short);
    }

    #[test]
    fn a_name_is_keyed() {
        let seal = Seal::for_tests();
        let other = Seal::from_passphrase("another long random passphrase");
        assert_eq!(seal.name(b"@a:s"), seal.name(b"@a:s"));
        assert_ne!(seal.name(b"@a:s"), seal.name(b"@b:s"));
        assert_ne!(seal.name(b"@a:s"), other.name(b"@a:s"));
    }
}
