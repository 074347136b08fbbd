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

/// The fewest random bytes a passphrase must hold. A passphrase is
/// generated, never chosen: `openssl rand -base64 32` gives 32 bytes in
/// base64, and hexadecimal is taken too. A phrase a person makes up could be
/// guessed by whoever has a copy of the data directory, who could then try
/// each candidate offline against the sealed records.
pub const MIN_PASSPHRASE_BYTES: usize = 32;

/// The passphrase of [`Seal::for_tests`]: test fixtures are sealed with it.
/// It is public, so it protects nothing: never use it for real data.
pub const TEST_PASSPHRASE: &str = "24r7q4yy/yzvF9s0Tv6J1drJCnQIqD1WM7VTwoZbCnc=";

/// Whether `passphrase` is a generated one: base64 or hexadecimal holding
/// [`MIN_PASSPHRASE_BYTES`] random bytes at least. The error says why not
/// and how to make one.
pub fn check_passphrase(passphrase: &str) -> Result<(), String> {
    use base64::Engine as _;
    let text = passphrase.trim();
    let decoded = hex::decode(text)
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .or_else(|| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(text)
                .ok()
        });
    let how = "make one with: openssl rand -base64 32";
    match decoded {
        Some(bytes) if bytes.len() >= MIN_PASSPHRASE_BYTES => Ok(()),
        Some(bytes) => Err(format!(
            "it holds {} random bytes; it needs {MIN_PASSPHRASE_BYTES} at least ({how})",
            bytes.len()
        )),
        None => Err(format!(
            "it is not a generated passphrase (base64 or hexadecimal of \
             {MIN_PASSPHRASE_BYTES} random bytes); a chosen phrase can be guessed ({how})"
        )),
    }
}

/// Plaintexts are padded to a multiple of this.
const BLOCK: usize = 256;

/// The keys derived from the passphrase.
#[derive(Clone)]
pub struct Seal {
    cipher_key: [u8; 32],
    name_key: [u8; 32],
    nonce_key: [u8; 32],
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
    /// The keys for `passphrase`. The passphrase is random and long (see
    /// [`check_passphrase`]), so one keyed hash per key is derivation enough.
    pub fn from_passphrase(passphrase: &str) -> Seal {
        let passphrase = passphrase.trim();
        Seal {
            cipher_key: derive(passphrase, "cipher"),
            name_key: derive(passphrase, "name"),
            nonce_key: derive(passphrase, "nonce"),
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
    /// it when longer), then encrypted. `kind` names the record: a value
    /// sealed as one kind does not open as another, so records cannot be
    /// swapped between places without the passphrase showing it.
    pub fn seal(&self, kind: &str, plaintext: &[u8], size: usize) -> Sealed {
        let length = u32::try_from(plaintext.len()).expect("sealed records are small");
        let mut padded = length.to_be_bytes().to_vec();
        padded.extend_from_slice(plaintext);
        let target = size.max(padded.len()).div_ceil(BLOCK) * BLOCK;
        padded.resize(target, 0);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.nonce_key)
            .expect("HMAC takes 32-byte keys");
        mac.update(kind.as_bytes());
        mac.update(b": ");
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
                    aad: kind.as_bytes(),
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
    /// passphrase, as another kind, or damaged.
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
                    aad: kind.as_bytes(),
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

    const OTHER: &str = "5c1f2b0e9d8a7766554433221100ffeeddccbbaa99887766554433221100ffee";

    #[test]
    fn what_is_sealed_opens_with_the_same_passphrase_and_kind_only() {
        let seal = Seal::for_tests();
        let sealed = seal.seal("box", b"{\"counts\":[3,1]}", 512);
        assert!(!sealed.sealed.contains("counts"));
        assert_eq!(seal.open(&sealed, "box").unwrap(), b"{\"counts\":[3,1]}");
        let other = Seal::from_passphrase(OTHER);
        assert!(other.open(&sealed, "box").is_err());
        // A box cannot be passed off as an elector, or the reverse.
        assert!(seal.open(&sealed, "elector").is_err());
        assert_ne!(seal.seal("elector", b"{\"counts\":[3,1]}", 512), sealed);
    }

    #[test]
    fn the_length_shows_the_size_asked_for_not_the_content() {
        let seal = Seal::for_tests();
        let short = seal.seal("box", b"[9]", 512);
        let long = seal.seal("box", b"[1000000000]", 512);
        assert_eq!(short.sealed.len(), long.sealed.len());
        assert_ne!(short, long);
        // The same plaintext gives the same bytes (reproducible exports).
        assert_eq!(seal.seal("box", b"[9]", 512), short);
    }

    #[test]
    fn a_name_is_keyed() {
        let seal = Seal::for_tests();
        let other = Seal::from_passphrase(OTHER);
        assert_eq!(seal.name(b"@a:s"), seal.name(b"@a:s"));
        assert_ne!(seal.name(b"@a:s"), seal.name(b"@b:s"));
        assert_ne!(seal.name(b"@a:s"), other.name(b"@a:s"));
    }

    #[test]
    fn only_generated_passphrases_are_taken() {
        assert_eq!(check_passphrase(TEST_PASSPHRASE), Ok(()));
        assert_eq!(check_passphrase(OTHER), Ok(()));
        assert_eq!(check_passphrase(&format!("{TEST_PASSPHRASE}\n")), Ok(()));
        // Without base64's padding, as some generators write it.
        assert_eq!(
            check_passphrase(TEST_PASSPHRASE.trim_end_matches('=')),
            Ok(())
        );
        let short = check_passphrase("c2hvcnQ=").unwrap_err();
        assert!(short.contains("holds 5 random bytes"), "{short}");
        for chosen in [
            "Liberté, égalité, fraternité! 2026 assemblée",
            "correct horse battery staple correct horse battery",
        ] {
            let error = check_passphrase(chosen).unwrap_err();
            assert!(error.contains("not a generated passphrase"), "{error}");
            assert!(error.contains("openssl rand -base64 32"), "{error}");
        }
        // Trailing spaces or a newline from the file do not change the keys.
        assert_eq!(
            Seal::from_passphrase(&format!("{TEST_PASSPHRASE}\n")).name(b"@a:s"),
            Seal::for_tests().name(b"@a:s")
        );
    }
}
