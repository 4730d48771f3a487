//! Builders of image sequences: the [`SeqSpec`] of a file, its tracks and where extra boxes go.

use super::boxes::{bx, full};

/// Where [`SeqSpec::extra`] puts a box: a container of the colour track (or `moov`, its
/// sample entry, its `dref`, its `tref`, or the still image's `meta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Moov,
    Trak,
    Tref,
    Edts,
    Mdia,
    Minf,
    Dinf,
    Dref,
    Stbl,
    Entry,
    Meta,
}

pub const EVERY_AT: [At; 11] = [
    At::Moov,
    At::Trak,
    At::Tref,
    At::Edts,
    At::Mdia,
    At::Minf,
    At::Dinf,
    At::Dref,
    At::Stbl,
    At::Entry,
    At::Meta,
];

/// An image sequence (ISO/IEC 23008-12 § 7): a colour track, an optional alpha track
/// (`auxv`, `tref auxl`) and an optional timed-metadata track, their samples interleaved in
/// one `mdat`; a still `meta` whose primary item is the first frame.
#[derive(Debug, Clone, Default)]
pub struct SeqSpec {
    pub frames: Vec<Vec<u8>>,
    pub alpha: Vec<Vec<u8>>,
    pub metadata_samples: Vec<Vec<u8>>,
    /// Boxes put in a container, each as it is.
    pub extra: Vec<(At, Vec<u8>)>,
    /// Handler name of every track.
    pub handler_name: Vec<u8>,
    /// `compressorname` of the visual sample entries (at most 31 bytes).
    pub compressor: Vec<u8>,
    /// Location string of every track's `url ` entry (flags 1).
    pub url_location: Vec<u8>,
}

fn extra_at(spec: &SeqSpec, at: At) -> Vec<u8> {
    spec.extra
        .iter()
        .filter(|e| e.0 == at)
        .flat_map(|e| e.1.clone())
        .collect()
}

/// One track. `kind`: `pict`, `auxv` or `meta`; `offsets` of its samples (one per chunk).
fn seq_track(
    spec: &SeqSpec,
    id: u32,
    handler: &[u8; 4],
    samples: &[Vec<u8>],
    offsets: &[u32],
) -> Vec<u8> {
    let colour = id == 1;
    let extra = |at| {
        if colour {
            extra_at(spec, at)
        } else {
            Vec::new()
        }
    };
    let mut tkhd = vec![0u8; 80];
    tkhd[0..4].copy_from_slice(&[0, 0, 0, 7]); // creation time
    tkhd[8..12].copy_from_slice(&id.to_be_bytes());
    tkhd[72..76].copy_from_slice(&(16u32 << 16).to_be_bytes());
    tkhd[76..80].copy_from_slice(&(8u32 << 16).to_be_bytes());
    let n = u32::try_from(samples.len()).unwrap();
    let entry = match handler {
        b"meta" => bx(
            b"mett",
            &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], b"\0text/plain\0"].concat(),
        ),
        _ => {
            let mut fields = vec![0u8; 78];
            fields[7] = 1; // data_reference_index
            fields[24..28].copy_from_slice(&[0, 16, 0, 8]);
            fields[28..36].copy_from_slice(&[0, 0x48, 0, 0, 0, 0x48, 0, 0]);
            fields[41] = 1;
            fields[42] = u8::try_from(spec.compressor.len()).unwrap();
            fields[43..43 + spec.compressor.len()].copy_from_slice(&spec.compressor);
            fields[74..78].copy_from_slice(&[0, 0x18, 0xFF, 0xFF]);
            let mut children = vec![
                bx(b"av1C", &[0x81, 0x00, 0x0C, 0x00]),
                bx(b"colr", &[b"nclx", &[0, 1, 0, 13, 0, 6, 0x80][..]].concat()),
            ];
            if handler == b"auxv" {
                children.push(full(
                    b"auxi",
                    0,
                    0,
                    b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha\0",
                ));
            }
            children.push(extra(At::Entry));
            bx(b"av01", &[fields, children.concat()].concat())
        }
    };
    let stsd = full(b"stsd", 0, 0, &[&1u32.to_be_bytes()[..], &entry].concat());
    let table = |kind: &[u8; 4], head: &[u8], entries: Vec<u8>| {
        full(kind, 0, 0, &[head, &entries].concat())
    };
    let stbl = bx(
        b"stbl",
        &[
            stsd,
            table(
                b"stts",
                &1u32.to_be_bytes(),
                [n, 1].map(u32::to_be_bytes).concat(),
            ),
            table(
                b"stsc",
                &1u32.to_be_bytes(),
                [1u32, 1, 1].map(u32::to_be_bytes).concat(),
            ),
            table(
                b"stsz",
                &[0u32, n].map(u32::to_be_bytes).concat(),
                samples
                    .iter()
                    .flat_map(|s| u32::try_from(s.len()).unwrap().to_be_bytes())
                    .collect(),
            ),
            table(
                b"stco",
                &n.to_be_bytes(),
                offsets.iter().flat_map(|o| o.to_be_bytes()).collect(),
            ),
            extra(At::Stbl),
        ]
        .concat(),
    );
    let url = full(b"url ", 0, 1, &spec.url_location);
    let dref = full(
        b"dref",
        0,
        0,
        &[&1u32.to_be_bytes()[..], &url, &extra(At::Dref)].concat(),
    );
    let dinf = bx(b"dinf", &[dref, extra(At::Dinf)].concat());
    let media_header = match handler {
        b"meta" => full(b"nmhd", 0, 0, &[]),
        _ => full(b"vmhd", 0, 1, &[0; 8]),
    };
    let minf = bx(
        b"minf",
        &[media_header, dinf, stbl, extra(At::Minf)].concat(),
    );
    // Creation and modification times, timescale, duration, language `und`, pre_defined.
    let mdhd = [9u32, 9, 1000, n, 0x55C4_0000]
        .map(u32::to_be_bytes)
        .concat();
    let mdhd = full(b"mdhd", 0, 0, &mdhd);
    let hdlr = full(
        b"hdlr",
        0,
        0,
        &[&[0u8; 4][..], handler, &[0; 12], &spec.handler_name, b"\0"].concat(),
    );
    let mdia = bx(b"mdia", &[mdhd, hdlr, minf, extra(At::Mdia)].concat());
    let tref = match handler {
        b"auxv" => bx(b"tref", &bx(b"auxl", &1u32.to_be_bytes())),
        b"meta" => bx(b"tref", &bx(b"cdsc", &1u32.to_be_bytes())),
        _ if spec.extra.iter().any(|e| e.0 == At::Tref) => bx(b"tref", &extra(At::Tref)),
        _ => Vec::new(),
    };
    let elst = full(
        b"elst",
        0,
        0,
        &[1u32, n, 0, 0x0001_0000].map(u32::to_be_bytes).concat(),
    );
    let edts = bx(b"edts", &[elst, extra(At::Edts)].concat());
    bx(
        b"trak",
        &[
            full(b"tkhd", 0, 3, &tkhd),
            tref,
            edts,
            mdia,
            extra(At::Trak),
        ]
        .concat(),
    )
}

/// Builds the sequence: `ftyp`, `meta`, `moov`, `mdat`.
pub fn build_sequence(spec: &SeqSpec) -> Vec<u8> {
    let ftyp = bx(b"ftyp", b"avis\0\0\0\0avismsf1miafmif1");
    let mut mdat = Vec::new();
    let mut at = [Vec::new(), Vec::new(), Vec::new()];
    let tracks = [&spec.frames, &spec.alpha, &spec.metadata_samples];
    for i in 0..tracks.iter().map(|t| t.len()).max().unwrap_or(0) {
        for (t, samples) in tracks.iter().enumerate() {
            if let Some(s) = samples.get(i) {
                at[t].push(u32::try_from(mdat.len()).unwrap());
                mdat.extend_from_slice(s);
            }
        }
    }
    let head = |base: u32| {
        let off = |t: usize| at[t].iter().map(|o| o + base).collect::<Vec<u32>>();
        let first = spec.frames.first().map_or(0, Vec::len);
        let iloc = full(
            b"iloc",
            0,
            0,
            &[
                &[0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1][..],
                &(base + at[0].first().copied().unwrap_or(0)).to_be_bytes(),
                &u32::try_from(first).unwrap().to_be_bytes(),
            ]
            .concat(),
        );
        let meta = full(
            b"meta",
            0,
            0,
            &[
                full(b"hdlr", 0, 0, &[&[0u8; 4][..], b"pict", &[0; 13]].concat()),
                full(b"pitm", 0, 0, &[0, 1]),
                iloc,
                full(
                    b"iinf",
                    0,
                    0,
                    &[&[0u8, 1][..], &full(b"infe", 2, 0, b"\0\x01\0\0av01\0")].concat(),
                ),
                bx(
                    b"iprp",
                    &[
                        bx(
                            b"ipco",
                            &[
                                full(b"ispe", 0, 0, &[0, 0, 0, 16, 0, 0, 0, 8]),
                                bx(b"av1C", &[0x81, 0x00, 0x0C, 0x00]),
                            ]
                            .concat(),
                        ),
                        full(b"ipma", 0, 0, &[0, 0, 0, 1, 0, 1, 2, 0x01, 0x82]),
                    ]
                    .concat(),
                ),
                extra_at(spec, At::Meta),
            ]
            .concat(),
        );
        let mut mvhd = vec![0u8; 96];
        mvhd[0..4].copy_from_slice(&[0, 0, 0, 5]); // creation time
        mvhd[8..12].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&0x0001_0000u32.to_be_bytes());
        mvhd[20] = 1;
        for (i, v) in [0x0001_0000u32, 0x0001_0000, 0x4000_0000]
            .iter()
            .enumerate()
        {
            mvhd[32 + i * 16..36 + i * 16].copy_from_slice(&v.to_be_bytes());
        }
        mvhd[92..96].copy_from_slice(&4u32.to_be_bytes());
        let mut moov = vec![full(b"mvhd", 0, 0, &mvhd)];
        moov.push(seq_track(spec, 1, b"pict", &spec.frames, &off(0)));
        if !spec.alpha.is_empty() {
            moov.push(seq_track(spec, 2, b"auxv", &spec.alpha, &off(1)));
        }
        if !spec.metadata_samples.is_empty() {
            moov.push(seq_track(spec, 3, b"meta", &spec.metadata_samples, &off(2)));
        }
        moov.push(extra_at(spec, At::Moov));
        [meta, bx(b"moov", &moov.concat())].concat()
    };
    let base = u32::try_from(ftyp.len() + head(0).len() + 8).unwrap();
    [ftyp, head(base), bx(b"mdat", &mdat)].concat()
}
