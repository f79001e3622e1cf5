//! The codecs a PEP 263 coding cookie can name, found the way CPython finds
//! them, and the byte↔text conversions spawnsafe can do for them.
//!
//! CPython's tokenizer (`Parser/tokenizer.c`, `get_normal_name`) first maps
//! the spellings of UTF-8 and Latin-1 to `utf-8` / `iso-8859-1` (it compares the
//! first 12 characters, lowercased, `_` read as `-`, so `UTF_8-sig` is UTF-8);
//! any other name goes to `codecs.lookup()`, which lowercases it, collapses
//! every run of characters other than letters, digits and `.` into one `_`
//! (`encodings.normalize_encoding`), and looks the result up in
//! `Lib/encodings/aliases.py` (then with `.` read as `_`), else takes it as the
//! codec module's own name. So `utf`, `utf8`, `U8` and `cp65001` are UTF-8,
//! `latin`, `l1` and `8859` are Latin-1, `Windows-1252` is `cp1252`, while
//! `cp-1252` and `ISO 8859-1` are unknown ("encoding problem: …").

/// How spawnsafe converts a codec's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conversion {
    Utf8,
    /// ISO-8859-1: each byte is the code point of the same value.
    Latin1,
    Ascii,
    /// A single-byte table that encoding_rs holds exactly as Python does,
    /// except for the bytes Python leaves undefined (which encoding_rs maps
    /// to C1 controls): those do not decode.
    SingleByte {
        label: &'static str,
        undefined: &'static [u8],
    },
    /// A multi-byte codec read with the WHATWG decoder of the same family,
    /// which decodes what Python's decodes the same way (a superset: it also
    /// takes a few vendor extensions Python's codec rejects).
    MultiByte {
        label: &'static str,
    },
    /// CPython cannot read source in it at all (UTF-16/32: the tokenizer
    /// reads bytes line by line): "encoding problem".
    NotForSource,
}

/// A codec named by a coding cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codec {
    /// Python's name of the codec (`cp1252`, `iso8859_2`, `utf-8`).
    pub name: &'static str,
    conversion: Conversion,
}

/// Python's codecs (module names in `Lib/encodings/`) with the aliases
/// `Lib/encodings/aliases.py` gives them, for the codecs spawnsafe converts
/// and those CPython cannot use for source.
const CODECS: &[(&str, &[&str], Conversion)] = &[
    (
        "utf-8",
        &[
            "utf_8",
            "u8",
            "utf",
            "utf8",
            "utf8_ucs2",
            "utf8_ucs4",
            "cp65001",
        ],
        Conversion::Utf8,
    ),
    (
        "iso-8859-1",
        &[
            "8859",
            "cp819",
            "csisolatin1",
            "ibm819",
            "iso8859",
            "iso8859_1",
            "iso_8859_1",
            "iso_8859_1_1987",
            "iso_ir_100",
            "l1",
            "latin",
            "latin1",
        ],
        Conversion::Latin1,
    ),
    (
        "ascii",
        &[
            "646",
            "ansi_x3.4_1968",
            "ansi_x3.4_1986",
            "ansi_x3_4_1968",
            "cp367",
            "csascii",
            "ibm367",
            "iso646_us",
            "iso_646.irv_1991",
            "iso_ir_6",
            "us",
            "us_ascii",
        ],
        Conversion::Ascii,
    ),
    single(
        "cp1250",
        &["1250", "windows_1250"],
        "windows-1250",
        &[0x81, 0x83, 0x88, 0x90, 0x98],
    ),
    single("cp1251", &["1251", "windows_1251"], "windows-1251", &[0x98]),
    single(
        "cp1252",
        &["1252", "windows_1252"],
        "windows-1252",
        &[0x81, 0x8d, 0x8f, 0x90, 0x9d],
    ),
    single(
        "cp1253",
        &["1253", "windows_1253"],
        "windows-1253",
        &[
            0x81, 0x88, 0x8a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x98, 0x9a, 0x9c, 0x9d, 0x9e, 0x9f,
            0xaa, 0xd2, 0xff,
        ],
    ),
    single(
        "cp1254",
        &["1254", "windows_1254"],
        "windows-1254",
        &[0x81, 0x8d, 0x8e, 0x8f, 0x90, 0x9d, 0x9e],
    ),
    single(
        "cp1255",
        &["1255", "windows_1255"],
        "windows-1255",
        &[
            0x81, 0x8a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x9a, 0x9c, 0x9d, 0x9e, 0x9f, 0xca, 0xd9,
            0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xfb, 0xfc, 0xff,
        ],
    ),
    single("cp1256", &["1256", "windows_1256"], "windows-1256", &[]),
    single(
        "cp1257",
        &["1257", "windows_1257"],
        "windows-1257",
        &[
            0x81, 0x83, 0x88, 0x8a, 0x8c, 0x90, 0x98, 0x9a, 0x9c, 0x9f, 0xa1, 0xa5,
        ],
    ),
    single(
        "cp1258",
        &["1258", "windows_1258"],
        "windows-1258",
        &[0x81, 0x8a, 0x8d, 0x8e, 0x8f, 0x90, 0x9a, 0x9d, 0x9e],
    ),
    single(
        "iso8859_2",
        &[
            "csisolatin2",
            "iso_8859_2",
            "iso_8859_2_1987",
            "iso_ir_101",
            "l2",
            "latin2",
        ],
        "iso-8859-2",
        &[],
    ),
    single(
        "iso8859_3",
        &[
            "csisolatin3",
            "iso_8859_3",
            "iso_8859_3_1988",
            "iso_ir_109",
            "l3",
            "latin3",
        ],
        "iso-8859-3",
        &[0xa5, 0xae, 0xbe, 0xc3, 0xd0, 0xe3, 0xf0],
    ),
    single(
        "iso8859_4",
        &[
            "csisolatin4",
            "iso_8859_4",
            "iso_8859_4_1988",
            "iso_ir_110",
            "l4",
            "latin4",
        ],
        "iso-8859-4",
        &[],
    ),
    single(
        "iso8859_5",
        &[
            "csisolatincyrillic",
            "cyrillic",
            "iso_8859_5",
            "iso_8859_5_1988",
            "iso_ir_144",
        ],
        "iso-8859-5",
        &[],
    ),
    single(
        "iso8859_6",
        &[
            "arabic",
            "asmo_708",
            "csisolatinarabic",
            "ecma_114",
            "iso_8859_6",
            "iso_8859_6_1987",
            "iso_ir_127",
        ],
        "iso-8859-6",
        &[
            0xa1, 0xa2, 0xa3, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1,
            0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbc, 0xbd, 0xbe, 0xc0, 0xdb,
            0xdc, 0xdd, 0xde, 0xdf, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc,
            0xfd, 0xfe, 0xff,
        ],
    ),
    single(
        "iso8859_7",
        &[
            "csisolatingreek",
            "ecma_118",
            "elot_928",
            "greek",
            "greek8",
            "iso_8859_7",
            "iso_8859_7_1987",
            "iso_ir_126",
        ],
        "iso-8859-7",
        &[0xae, 0xd2, 0xff],
    ),
    single(
        "iso8859_8",
        &[
            "csisolatinhebrew",
            "hebrew",
            "iso_8859_8",
            "iso_8859_8_1988",
            "iso_ir_138",
        ],
        "iso-8859-8",
        &[
            0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
            0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9,
            0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xfb, 0xfc, 0xff,
        ],
    ),
    single(
        "iso8859_10",
        &[
            "csisolatin6",
            "iso_8859_10",
            "iso_8859_10_1992",
            "iso_ir_157",
            "l6",
            "latin6",
        ],
        "iso-8859-10",
        &[],
    ),
    single(
        "iso8859_13",
        &["iso_8859_13", "l7", "latin7"],
        "iso-8859-13",
        &[],
    ),
    single(
        "iso8859_14",
        &[
            "iso_8859_14",
            "iso_8859_14_1998",
            "iso_celtic",
            "iso_ir_199",
            "l8",
            "latin8",
        ],
        "iso-8859-14",
        &[],
    ),
    single(
        "iso8859_15",
        &["iso_8859_15", "l9", "latin9"],
        "iso-8859-15",
        &[],
    ),
    single(
        "iso8859_16",
        &[
            "iso_8859_16",
            "iso_8859_16_2001",
            "iso_ir_226",
            "l10",
            "latin10",
        ],
        "iso-8859-16",
        &[],
    ),
    single("koi8_r", &["cskoi8r"], "koi8-r", &[]),
    single("mac_roman", &["macintosh", "macroman"], "macintosh", &[]),
    single("cp866", &["866", "csibm866", "ibm866"], "ibm866", &[]),
    single(
        "cp874",
        &[],
        "windows-874",
        &[
            0x81, 0x82, 0x83, 0x84, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
            0x90, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xdb, 0xdc, 0xdd, 0xde, 0xfc,
            0xfd, 0xfe, 0xff,
        ],
    ),
    multi(
        "shift_jis",
        &["csshiftjis", "s_jis", "shiftjis", "sjis", "x_mac_japanese"],
        "shift_jis",
    ),
    multi(
        "cp932",
        &["932", "ms932", "ms_kanji", "mskanji"],
        "shift_jis",
    ),
    multi("euc_jp", &["eucjp", "u_jis", "ujis"], "euc-jp"),
    multi("gbk", &["936", "cp936", "ms936"], "gbk"),
    multi(
        "gb2312",
        &[
            "chinese",
            "csiso58gb231280",
            "euc_cn",
            "euccn",
            "eucgb2312_cn",
            "gb2312_1980",
            "gb2312_80",
            "iso_ir_58",
            "x_mac_simp_chinese",
        ],
        "gbk",
    ),
    multi("gb18030", &["gb18030_2000"], "gb18030"),
    multi("big5", &["big5_tw", "csbig5", "x_mac_trad_chinese"], "big5"),
    multi("big5hkscs", &["big5_hkscs", "hkscs"], "big5"),
    multi(
        "euc_kr",
        &[
            "euckr",
            "korean",
            "ks_c_5601",
            "ks_c_5601_1987",
            "ks_x_1001",
            "ksc5601",
            "ksx1001",
            "x_mac_korean",
        ],
        "euc-kr",
    ),
    multi("cp949", &["949", "ms949", "uhc"], "euc-kr"),
    ("utf_16", &["u16", "utf16"], Conversion::NotForSource),
    (
        "utf_16_le",
        &["unicodelittleunmarked", "utf_16le"],
        Conversion::NotForSource,
    ),
    (
        "utf_16_be",
        &["unicodebigunmarked", "utf_16be"],
        Conversion::NotForSource,
    ),
    ("utf_32", &["u32", "utf32"], Conversion::NotForSource),
    ("utf_32_le", &["utf_32le"], Conversion::NotForSource),
    ("utf_32_be", &["utf_32be"], Conversion::NotForSource),
];

const fn single(
    name: &'static str,
    aliases: &'static [&'static str],
    label: &'static str,
    undefined: &'static [u8],
) -> (&'static str, &'static [&'static str], Conversion) {
    (name, aliases, Conversion::SingleByte { label, undefined })
}

const fn multi(
    name: &'static str,
    aliases: &'static [&'static str],
    label: &'static str,
) -> (&'static str, &'static [&'static str], Conversion) {
    (name, aliases, Conversion::MultiByte { label })
}

/// Other codec modules of `Lib/encodings/` (and their aliases) that a cookie
/// may name: CPython reads source in them, spawnsafe does not.
const OTHER_PYTHON_CODECS: &[&str] = &[
    "cp037",
    "cp1006",
    "cp1026",
    "cp1125",
    "cp1140",
    "cp273",
    "cp424",
    "cp437",
    "cp500",
    "cp720",
    "cp737",
    "cp775",
    "cp850",
    "cp852",
    "cp855",
    "cp856",
    "cp857",
    "cp858",
    "cp860",
    "cp861",
    "cp862",
    "cp863",
    "cp864",
    "cp865",
    "cp869",
    "cp875",
    "cp950",
    "euc_jis_2004",
    "euc_jisx0213",
    "hp_roman8",
    "hz",
    "iso2022_jp",
    "iso2022_jp_1",
    "iso2022_jp_2",
    "iso2022_jp_2004",
    "iso2022_jp_3",
    "iso2022_jp_ext",
    "iso2022_kr",
    "iso8859_9",
    "iso8859_11",
    "johab",
    "koi8_t",
    "koi8_u",
    "kz1048",
    "mac_arabic",
    "mac_croatian",
    "mac_cyrillic",
    "mac_farsi",
    "mac_greek",
    "mac_iceland",
    "mac_latin2",
    "mac_romanian",
    "mac_turkish",
    "ptcp154",
    "shift_jis_2004",
    "shift_jisx0213",
    "tis_620",
    "utf_7",
    "utf_8_sig",
    "437",
    "850",
    "ibm437",
    "ibm850",
    "latin5",
    "l5",
    "iso_8859_9",
    "thai",
    "iso_8859_11",
    "u7",
    "utf7",
    "maccyrillic",
];

/// `encodings.normalize_encoding` after `codecs.lookup`'s lowercasing: runs
/// of characters other than ASCII letters, digits and `.` become one `_`,
/// none at either end.
pub fn normalize(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut pending_separator = false;
    for character in name.chars() {
        if character.is_ascii_alphanumeric() || character == '.' {
            if pending_separator && !normalized.is_empty() {
                normalized.push('_');
            }
            normalized.push(character.to_ascii_lowercase());
            pending_separator = false;
        } else {
            pending_separator = true;
        }
    }
    normalized
}

/// `get_normal_name` of CPython's tokenizer: the spellings it reads as UTF-8
/// or Latin-1 without asking the codec registry.
fn tokenizer_normal_name(name: &str) -> Option<&'static str> {
    let head: String = name
        .chars()
        .take(12)
        .map(|c| match c.to_ascii_lowercase() {
            '_' => '-',
            other => other,
        })
        .collect();
    let is = |spelling: &str| head == spelling || head.starts_with(&format!("{spelling}-"));
    if is("utf-8") {
        Some("utf-8")
    } else if is("latin-1") || is("iso-8859-1") || is("iso-latin-1") {
        Some("iso-8859-1")
    } else {
        None
    }
}

/// The module in `Lib/encodings/` that holds a codec of [`CODECS`].
fn module_name(codec: &str) -> &str {
    match codec {
        "utf-8" => "utf_8",
        "iso-8859-1" => "latin_1",
        other => other,
    }
}

/// What a cookie's name means to CPython.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A codec, and whether the tokenizer took it for UTF-8 or Latin-1
    /// itself (only those spellings may follow a UTF-8 BOM as `utf-8`).
    Found { codec: Codec, tokenizer_name: bool },
    /// A codec CPython has, that spawnsafe cannot convert.
    Unsupported,
    /// No such codec, or one CPython cannot read source in: "encoding problem".
    Unknown,
}

pub fn lookup(name: &str) -> Lookup {
    if let Some(normal) = tokenizer_normal_name(name) {
        let codec = CODECS
            .iter()
            .find(|(codec, _, _)| *codec == normal)
            .map(|&(name, _, conversion)| Codec { name, conversion })
            .expect("utf-8 and iso-8859-1 are in the table");
        return Lookup::Found {
            codec,
            tokenizer_name: true,
        };
    }
    let normalized = normalize(name);
    let underscored = normalized.replace('.', "_");
    // An alias is looked up as normalised and with `.` read as `_`; a codec
    // module only by the normalised name (one with a `.` is never imported).
    let is_alias = |alias: &str| alias == normalized || alias == underscored;
    let is_module = |module: &str| module == normalized;
    for &(codec_name, aliases, conversion) in CODECS {
        if is_module(module_name(codec_name)) || aliases.iter().any(|alias| is_alias(alias)) {
            return match conversion {
                Conversion::NotForSource => Lookup::Unknown,
                _ => Lookup::Found {
                    codec: Codec {
                        name: codec_name,
                        conversion,
                    },
                    tokenizer_name: false,
                },
            };
        }
    }
    if OTHER_PYTHON_CODECS
        .iter()
        .any(|codec| is_module(codec) || is_alias(codec))
    {
        return Lookup::Unsupported;
    }
    Lookup::Unknown
}

/// Why bytes did not decode: the first byte (offset) the codec rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
}

impl Codec {
    pub fn is_utf8(&self) -> bool {
        self.conversion == Conversion::Utf8
    }

    /// The codec by its Python name (as [`Codec::name`] gives it).
    pub fn by_name(name: &str) -> Option<Codec> {
        CODECS
            .iter()
            .find(|(codec, _, _)| *codec == name)
            .map(|&(name, _, conversion)| Codec { name, conversion })
    }

    pub fn decode(&self, bytes: &[u8]) -> Result<String, DecodeError> {
        match self.conversion {
            Conversion::Utf8 => std::str::from_utf8(bytes)
                .map(str::to_string)
                .map_err(|err| DecodeError {
                    offset: err.valid_up_to(),
                }),
            Conversion::Latin1 => Ok(bytes.iter().map(|&byte| char::from(byte)).collect()),
            Conversion::Ascii => match bytes.iter().position(|byte| !byte.is_ascii()) {
                Some(offset) => Err(DecodeError { offset }),
                None => Ok(bytes.iter().map(|&byte| char::from(byte)).collect()),
            },
            Conversion::SingleByte { label, undefined } => {
                if let Some(offset) = bytes.iter().position(|byte| undefined.contains(byte)) {
                    return Err(DecodeError { offset });
                }
                whatwg_decode(label, bytes)
            }
            Conversion::MultiByte { label } => whatwg_decode(label, bytes),
            Conversion::NotForSource => Err(DecodeError { offset: 0 }),
        }
    }

    /// The text in this codec, or the first character it cannot store.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, char> {
        match self.conversion {
            Conversion::Utf8 => Ok(text.as_bytes().to_vec()),
            Conversion::Latin1 | Conversion::Ascii => {
                let limit = if self.conversion == Conversion::Ascii {
                    0x7f
                } else {
                    0xff
                };
                text.chars()
                    .map(|character| {
                        u8::try_from(u32::from(character))
                            .ok()
                            .filter(|&byte| u32::from(byte) <= limit)
                            .ok_or(character)
                    })
                    .collect()
            }
            Conversion::SingleByte { label, undefined } => {
                let bytes = whatwg_encode(label, text)?;
                // encoding_rs maps Python's undefined bytes to C1 controls.
                match bytes.iter().position(|byte| undefined.contains(byte)) {
                    Some(_) => Err(text
                        .chars()
                        .find(|c| ('\u{80}'..='\u{9f}').contains(c))
                        .unwrap_or('?')),
                    None => Ok(bytes),
                }
            }
            Conversion::MultiByte { label } => whatwg_encode(label, text),
            Conversion::NotForSource => Err(text.chars().next().unwrap_or('?')),
        }
    }
}

fn whatwg(label: &str) -> &'static encoding_rs::Encoding {
    encoding_rs::Encoding::for_label(label.as_bytes()).expect("a WHATWG label")
}

fn whatwg_decode(label: &str, bytes: &[u8]) -> Result<String, DecodeError> {
    let encoding = whatwg(label);
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() * 2 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        encoding_rs::DecoderResult::Malformed(length, pending) => Err(DecodeError {
            offset: read.saturating_sub(usize::from(length) + usize::from(pending)),
        }),
        encoding_rs::DecoderResult::OutputFull => {
            // Every byte decodes to at most one character of four bytes.
            let mut decoder = encoding.new_decoder_without_bom_handling();
            let mut text = String::with_capacity(bytes.len() * 4 + 16);
            match decoder.decode_to_string_without_replacement(bytes, &mut text, true) {
                (encoding_rs::DecoderResult::InputEmpty, _) => Ok(text),
                (_, read) => Err(DecodeError { offset: read }),
            }
        }
    }
}

fn whatwg_encode(label: &str, text: &str) -> Result<Vec<u8>, char> {
    let encoding = whatwg(label);
    let (encoded, _, had_errors) = encoding.encode(text);
    if had_errors || encoding.output_encoding() != encoding {
        let character = text
            .chars()
            .find(|c| {
                let mut buffer = [0u8; 4];
                encoding.encode(c.encode_utf8(&mut buffer)).2
            })
            .unwrap_or('?');
        return Err(character);
    }
    Ok(encoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str) -> Option<&'static str> {
        match lookup(name) {
            Lookup::Found { codec, .. } => Some(codec.name),
            _ => None,
        }
    }

    #[test]
    fn names_resolve_as_cpython_resolves_them() {
        // Checked against `python3 file.py` with each cookie (CPython 3.11).
        assert_eq!(found("utf"), Some("utf-8"));
        assert_eq!(found("utf8"), Some("utf-8"));
        assert_eq!(found("U8"), Some("utf-8"));
        assert_eq!(found("UTF_8-sig"), Some("utf-8"));
        assert_eq!(found("latin-1"), Some("iso-8859-1"));
        assert_eq!(found("Latin_1"), Some("iso-8859-1"));
        assert_eq!(found("latin"), Some("iso-8859-1"));
        assert_eq!(found("iso8859"), Some("iso-8859-1"));
        assert_eq!(found("Windows-1252"), Some("cp1252"));
        assert_eq!(found("cp1252"), Some("cp1252"));
        assert_eq!(found("latin2"), Some("iso8859_2"));
        assert_eq!(found("iso-8859-15"), Some("iso8859_15"));
        assert_eq!(found("ascii"), Some("ascii"));
        assert_eq!(found("us-ascii"), Some("ascii"));
        assert_eq!(found("sjis"), Some("shift_jis"));
        assert_eq!(lookup("cp-1252"), Lookup::Unknown);
        assert_eq!(lookup(".cp1252."), Lookup::Unknown);
        assert_eq!(lookup("latin.1"), Lookup::Unknown);
        assert_eq!(lookup("foo"), Lookup::Unknown);
        assert_eq!(lookup("utf-16"), Lookup::Unknown);
        assert_eq!(lookup("utf_16_le"), Lookup::Unknown);
        assert_eq!(lookup("cp437"), Lookup::Unsupported);
        assert_eq!(lookup("koi8_u"), Lookup::Unsupported);
        assert!(matches!(
            lookup("utf8"),
            Lookup::Found {
                tokenizer_name: false,
                ..
            }
        ));
    }

    /// Every single-byte table decodes each byte as Python's codec does
    /// (needs `python3`; skipped without it).
    #[test]
    fn single_byte_tables_match_python() {
        let names: Vec<&str> = CODECS
            .iter()
            .filter(|(_, _, conversion)| {
                matches!(
                    conversion,
                    Conversion::SingleByte { .. } | Conversion::Latin1 | Conversion::Ascii
                )
            })
            .map(|(name, _, _)| *name)
            .collect();
        let script = "import sys\nfor name in sys.argv[1:]:\n    row = []\n    for b in range(256):\n        try: row.append(str(ord(bytes([b]).decode(name))))\n        except UnicodeDecodeError: row.append('-')\n    print(name, ' '.join(row))\n";
        let Ok(output) = std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .args(&names)
            .output()
        else {
            eprintln!("python3 not found: skipped");
            return;
        };
        let output = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.lines().count(), names.len());
        let mut mismatches = Vec::new();
        for line in output.lines() {
            let mut fields = line.split(' ');
            let name = fields.next().unwrap();
            let codec = Codec::by_name(name).unwrap();
            for (byte, expected) in fields.enumerate() {
                let ours = codec
                    .decode(&[byte as u8])
                    .ok()
                    .map(|text| u32::from(text.chars().next().unwrap()).to_string());
                if ours.as_deref() != Some(expected).filter(|e| *e != "-") {
                    mismatches.push(format!(
                        "{name} 0x{byte:02x}: python {expected}, ours {ours:?}"
                    ));
                }
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }
}
