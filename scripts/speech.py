#!/usr/bin/env python3
"""Makes test speech whose word times are known exactly, for checking timing alignment.

Synthesizes the whole script in one call to libespeak-ng (through ctypes; continuous speech,
not words spoken one by one) and writes

  OUT.wav           16-bit PCM mono speech, optionally with seeded white noise and/or a synthetic
                    "music" bed mixed under it
  OUT.json          {"sample_rate", "voice", "rate", "words": [{"text", "start", "end"}, ...]}
                    with the exact audio position (seconds) of every whitespace-separated word of
                    the script, in script order, punctuation attached
  OUT.shifted.json  only with --shift-ms/--drift: the same, times*(1+drift)+shift, so that tests
                    can check that a repair brings them back

Word start: the sample index of espeak's WORD event for the word (the first one, if a script word
makes several). Word end: the sample at which the phoneme after the word's last non-pause phoneme
begins (a pause phoneme "_..." or the next word's first phoneme), but never after the next word's
start. A script word that espeak does not speak at all (e.g. a lone dash) gets start = end = the
previous word's end; their indices are listed under "unspoken" in the JSON.

Standard library only, plus libespeak-ng (apt-get install espeak-ng libespeak-ng1).

  python3 scripts/speech.py (--text "..." | --text-file F) -o OUT [--voice en-us] [--rate 175]
      [--pitch 50] [--sample-rate 22050] [--noise-db N] [--music-db N] [--seed 1]
      [--shift-ms 0] [--drift 0.0]
"""
import argparse
import array
import bisect
import ctypes
import ctypes.util
import json
import math
import random
import sys
import wave

# ---- libespeak-ng binding (see /usr/include/espeak-ng/speak_lib.h) ------------------------------

AUDIO_OUTPUT_SYNCHRONOUS = 2
espeakINITIALIZE_PHONEME_EVENTS = 0x0001
espeakCHARS_UTF8 = 1
espeakENDPAUSE = 0x1000
POS_CHARACTER = 1
espeakRATE = 1
espeakPITCH = 3
EV_LIST_TERMINATED, EV_WORD, EV_SENTENCE, EV_MARK, EV_PLAY, EV_END, EV_MSG_TERMINATED, \
    EV_PHONEME, EV_SAMPLERATE = range(9)


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int),
                ("name", ctypes.c_char_p),
                ("string", ctypes.c_char * 8)]


class EspeakEvent(ctypes.Structure):
    # On x86_64: six 4-byte ints (0..23), user_data pointer at 24, the 8-byte union at 32;
    # sizeof = 40. ctypes applies the same C alignment rules, checked in _load().
    _fields_ = [("type", ctypes.c_int),
                ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int),   # 1-based character (not byte) offset
                ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int),  # ms
                ("sample", ctypes.c_int),          # sample index from the start of this Synth
                ("user_data", ctypes.c_void_p),
                ("id", _EventId)]


class EspeakVoice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p),
                ("languages", ctypes.c_char_p),
                ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte),
                ("age", ctypes.c_ubyte),
                ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte),
                ("score", ctypes.c_int),
                ("spare", ctypes.c_void_p)]


SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                 ctypes.POINTER(EspeakEvent))


def _load():
    name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        sys.exit("speech.py: cannot load libespeak-ng (%s); apt-get install libespeak-ng1" % e)
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(EspeakEvent) == 40 and EspeakEvent.id.offset == 32
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(EspeakVoice)]
    lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint),
                                 ctypes.c_void_p]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.restype = ctypes.c_int
    return lib


_lib = None
_rate_hz = None


def synthesize(text, voice="en-us", rate=175, pitch=50, endpause=False):
    """Returns (sample_rate, samples: array('h'), events: list of (type, text_pos, sample, name, length))
    for `text` spoken in one espeak_Synth call. text_pos is a 0-based character offset.
    endpause: end with a full sentence pause rather than espeak's short end-of-text pause.
    Note: espeak keeps state between calls in one process (a second identical call gives
    slightly different audio), so the output is reproducible only for the first call."""
    global _lib, _rate_hz
    if _lib is None:
        _lib = _load()
        _rate_hz = _lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None,
                                          espeakINITIALIZE_PHONEME_EVENTS)
        if _rate_hz <= 0:
            sys.exit("speech.py: espeak_Initialize failed")
    if _lib.espeak_SetVoiceByName(voice.encode()) != 0:
        # not a voice name or file: try it as a language, e.g. "en-gb"
        v = EspeakVoice(None, voice.encode(), None, 0, 0, 0, 0, 0, None)
        if "+" in voice or _lib.espeak_SetVoiceByProperties(ctypes.byref(v)) != 0:
            sys.exit("speech.py: unknown voice %r (see espeak-ng --voices)" % voice)
    _lib.espeak_SetParameter(espeakRATE, int(rate), 0)
    _lib.espeak_SetParameter(espeakPITCH, int(pitch), 0)

    pcm = bytearray()
    events = []

    def on_synth(wav, n, evs):
        i = 0
        while True:
            e = evs[i]
            if e.type == EV_LIST_TERMINATED:
                break
            if e.type == EV_PHONEME:
                name = e.id.string.decode("utf-8", "replace")
            else:
                name = None
            events.append((e.type, e.text_position - 1, e.sample, name, e.length))
            i += 1
        if wav and n > 0:
            pcm.extend(ctypes.string_at(wav, 2 * n))
        return 0

    cb = SynthCallback(on_synth)
    _lib.espeak_SetSynthCallback(cb)
    data = text.encode("utf-8") + b"\0"
    buf = ctypes.create_string_buffer(data, len(data))
    flags = espeakCHARS_UTF8 | (espeakENDPAUSE if endpause else 0)
    err = _lib.espeak_Synth(buf, len(data), 0, POS_CHARACTER, 0, flags, None, None)
    if err != 0:
        sys.exit("speech.py: espeak_Synth failed (%d)" % err)
    _lib.espeak_Synchronize()
    samples = array.array("h")
    samples.frombytes(bytes(pcm))
    if sys.byteorder != "little":
        samples.byteswap()
    return _rate_hz, samples, events


def split_words(text):
    """Whitespace-separated words with their 0-based [start, end) character spans."""
    words, i, n = [], 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not text[j].isspace():
            j += 1
        words.append((text[i:j], i, j))
        i = j
    return words


def phoneme_count(word):
    """Number of phonemes espeak gives `word` on its own (stress marks not counted)."""
    _lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    _lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                           ctypes.c_int]
    p = ctypes.c_char_p(word.encode("utf-8"))
    out = []
    while p.value:               # one call per clause
        r = _lib.espeak_TextToPhonemes(ctypes.byref(p), espeakCHARS_UTF8, ord("|") << 8)
        if r:
            out.append(r.decode("utf-8", "replace"))
    return len([x for x in "|".join(out).replace(" ", "|").split("|") if x.strip("_:!")])


def word_times(text, events, total):
    """Maps espeak events onto the script's words. Returns (texts, list of (start, end) in
    samples, indices of words espeak never spoke, stats dict)."""
    words = split_words(text)
    nw = len(words)
    starts = [w[1] for w in words]
    first = [None] * nw               # sample of the first WORD event of each script word
    phon = []                         # stream order: (word index or -1, sample, is_pause)
    owned = [[] for _ in range(nw)]   # indices into phon of each word's non-pause phonemes
    cur = -1
    stats = {"merged": 0, "merged_count_mismatch": 0, "merged_proportional": 0,
             "ignored_events": 0}
    for typ, pos, sample, name, length in events:
        if typ == EV_WORD:
            k = bisect.bisect_right(starts, pos) - 1
            if k < 0:
                k = 0
            elif pos >= words[k][2] and k + 1 < nw:
                k += 1                # position in whitespace: the word after it
            if k < cur or (length == 0 and first[k] is None):
                stats["ignored_events"] += 1   # stray event in a pause
                continue
            if first[k] is None:
                first[k] = sample
            cur = k
        elif typ == EV_PHONEME:
            pause = (not name) or name.startswith("_")
            if cur >= 0 and not pause:
                owned[cur].append(len(phon))
            phon.append((cur, sample, pause))
    # espeak combines some word pairs ("on the", "of the") into one word with one WORD event:
    # split the group's phonemes by the count each word has when phonemized on its own.
    k = 0
    while k < nw:
        if first[k] is None:
            k += 1
            continue
        g = k + 1
        while g < nw and first[g] is None and words[g][0][:1].isalpha():
            g += 1
        if g > k + 1 and owned[k]:
            group = owned[k]
            counts = [phoneme_count(words[j][0]) for j in range(k, g)]
            stats["merged"] += g - k - 1
            if sum(counts) != len(group):
                stats["merged_count_mismatch"] += g - k - 1
            if sum(counts[:-1]) < len(group):
                # exact split; the last word takes any extra phonemes (espeak appends linking
                # glides such as ";" in "the engineers" to the end of a word)
                cuts, acc = [], 0
                for c in counts[:-1]:
                    acc += c
                    cuts.append(acc)
                cuts.append(len(group))
            else:
                # fewer phonemes than expected: proportional shares
                stats["merged_proportional"] += g - k - 1
                tot = max(sum(counts), 1)
                acc, cuts = 0, []
                for c in counts:
                    acc += c
                    cuts.append(round(acc * len(group) / tot))
            lo = 0
            for j, hi in zip(range(k, g), cuts):
                hi = min(max(hi, lo), len(group))
                owned[j] = group[lo:hi]
                if j > k and owned[j]:
                    first[j] = phon[owned[j][0]][1]
                lo = hi
        k = g
    spoken = [j for j in range(nw) if first[j] is not None]
    out = [None] * nw
    for si, j in enumerate(spoken):
        nxt = first[spoken[si + 1]] if si + 1 < len(spoken) else total
        if owned[j] and owned[j][-1] + 1 < len(phon):
            end = phon[owned[j][-1] + 1][1]   # start of whatever follows the last phoneme
        else:
            end = nxt
        out[j] = (first[j], max(first[j], min(end, nxt)))
    unspoken = []
    prev_end = 0
    for j in range(nw):
        if out[j] is None:
            out[j] = (prev_end, prev_end)
            unspoken.append(j)
        prev_end = out[j][1]
    return [w[0] for w in words], out, unspoken, stats


# ---- background beds -------------------------------------------------------------------------

class MusicBed:
    """Sustained sine chords that cross-fade into one another (Hann windows, 50% overlap, hop
    2-4 s chosen per file) with a random gain per chord and a slow tremolo; peak about 1.
    Rendered block by block so that an hour needs little memory."""

    def __init__(self, n, sr, rng):
        roots = [48, 50, 53, 55, 57, 45]                     # C D F G A A (MIDI)
        shapes = [(0, 4, 7, 12), (0, 3, 7, 10), (0, 4, 7, 11), (0, 5, 7, 12), (0, 3, 7, 12)]
        self.hop = hop = int(sr * rng.uniform(2.0, 4.0))
        win = 2 * hop
        hann = [0.5 - 0.5 * math.cos(2 * math.pi * i / win) for i in range(win)]
        self.chords = []
        for _ in range(6):                                   # a few chords, reused
            root = rng.choice(roots)
            notes = [440.0 * 2 ** ((root + s + 12 * rng.choice((0, 0, 1)) - 69) / 12.0)
                     for s in rng.choice(shapes)]
            amps = [rng.uniform(0.5, 1.0) for _ in notes]
            trem = rng.uniform(0.1, 0.4)                     # Hz
            ph = [rng.uniform(0, 2 * math.pi) for _ in notes]
            w = [2 * math.pi * f / sr for f in notes]
            norm = 1.0 / sum(amps)
            block = []
            for i in range(win):
                s = 0.0
                for amp, wi, p in zip(amps, w, ph):
                    s += amp * math.sin(wi * i + p)
                block.append(s * norm * hann[i] *
                             (0.8 + 0.2 * math.sin(2 * math.pi * trem * i / sr)))
            self.chords.append(block)
        # segment s covers samples [(s-1)*hop, (s+1)*hop)
        nseg = n // hop + 2
        self.seq = [(rng.randrange(len(self.chords)), rng.uniform(0.5, 1.0))
                    for _ in range(nseg)]
        self.rms = self._estimate_rms(min(n, 20 * hop))

    def block(self, a, b):
        out = [0.0] * (b - a)
        hop = self.hop
        for s in range(max(a // hop, 0), min(b // hop + 2, len(self.seq))):
            lo, hi = max((s - 1) * hop, a), min((s + 1) * hop, b)
            if lo >= hi:
                continue
            c, g = self.seq[s]
            src = self.chords[c]
            off = lo - (s - 1) * hop
            out[lo - a:hi - a] = [x + g * y for x, y in
                                  zip(out[lo - a:hi - a], src[off:off + hi - lo])]
        return out

    def _estimate_rms(self, n):
        xs = self.block(0, max(n, 1))
        return math.sqrt(sum(x * x for x in xs) / len(xs)) or 1.0


def mix_and_write(path, pcm, sr, out_sr, spans, noise_db, music_db, seed):
    """Writes pcm (array('h') at sr) to path at out_sr, with the optional beds, in blocks."""
    n_out = len(pcm) if out_sr == sr else int(len(pcm) * out_sr / sr)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(out_sr)
        if noise_db is None and music_db is None and out_sr == sr:
            data = pcm
            if sys.byteorder != "little":
                data = array.array("h", pcm)
                data.byteswap()
            w.writeframes(data.tobytes())
            return
        # speech level: RMS over the words' spans only (pauses excluded), at the source rate
        acc, cnt = 0, 0
        for a, b in spans:
            acc += sum(v * v for v in pcm[a:b])
            cnt += b - a
        level = math.sqrt(acc / cnt) if cnt else 1000.0
        noise_rng = random.Random(seed)
        noise_g = None if noise_db is None else \
            level * 10 ** (-noise_db / 20.0) * math.sqrt(3) / 32768.0   # uniform: rms 1/sqrt(3)
        music = None if music_db is None else MusicBed(n_out, out_sr, random.Random(seed * 7919 + 1))
        music_g = None if music is None else level * 10 ** (-music_db / 20.0) / music.rms
        step = sr / out_sr
        last = len(pcm) - 1
        BLOCK = 1 << 16
        for a in range(0, n_out, BLOCK):
            b = min(a + BLOCK, n_out)
            if out_sr == sr:
                xs = [float(v) for v in pcm[a:b]]
            else:                                               # linear interpolation
                xs = []
                for i in range(a, b):
                    t = i * step
                    j = int(t)
                    f = t - j
                    v0 = pcm[j]
                    v1 = pcm[j + 1] if j < last else v0
                    xs.append(v0 + (v1 - v0) * f)
            if noise_g is not None:
                raw = array.array("h")
                raw.frombytes(noise_rng.randbytes(2 * (b - a)))
                if sys.byteorder != "little":
                    raw.byteswap()
                xs = [x + noise_g * y for x, y in zip(xs, raw)]
            if music is not None:
                xs = [x + music_g * y for x, y in zip(xs, music.block(a, b))]
            ints = array.array("h", [32767 if v > 32767 else -32768 if v < -32768
                                     else int(round(v)) for v in xs])
            if sys.byteorder != "little":
                ints.byteswap()
            w.writeframes(ints.tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--text")
    src.add_argument("--text-file")
    ap.add_argument("-o", "--out", required=True, help="output prefix (OUT.wav, OUT.json)")
    ap.add_argument("--voice", default="en-us")
    ap.add_argument("--rate", type=int, default=175, help="words per minute, 80-450")
    ap.add_argument("--pitch", type=int, default=50, help="0-100")
    ap.add_argument("--sample-rate", type=int, default=0,
                    help="output rate (default: espeak's own, 22050); resampled linearly")
    ap.add_argument("--noise-db", type=float, default=None,
                    help="add white noise this many dB under the speech RMS")
    ap.add_argument("--music-db", type=float, default=None,
                    help="add a synthetic chord bed this many dB under the speech RMS")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shift-ms", type=float, default=0.0)
    ap.add_argument("--drift", type=float, default=0.0)
    args = ap.parse_args()

    if args.text is not None:
        text = args.text
    else:
        with open(args.text_file, encoding="utf-8") as f:
            text = f.read()
    if not text.split():
        sys.exit("speech.py: empty text")
    out = args.out
    for ext in (".wav", ".json"):
        if out.endswith(ext):
            out = out[:-len(ext)]

    sr, pcm, events = synthesize(text, args.voice, args.rate, args.pitch)
    texts, spans, unspoken = word_times(text, events, len(pcm))[:3]
    if unspoken:
        print("speech.py: %d word(s) not spoken by espeak (zero length): %s"
              % (len(unspoken), " ".join(texts[k] for k in unspoken[:10])), file=sys.stderr)

    out_sr = args.sample_rate or sr
    mix_and_write(out + ".wav", pcm, sr, out_sr, spans, args.noise_db, args.music_db, args.seed)

    def doc(scale, shift):
        d = {"sample_rate": out_sr, "voice": args.voice, "rate": args.rate,
             "words": [{"text": t, "start": round(a / sr * scale + shift, 6),
                        "end": round(b / sr * scale + shift, 6)}
                       for t, (a, b) in zip(texts, spans)]}
        if unspoken:
            d["unspoken"] = unspoken
        return d

    with open(out + ".json", "w", encoding="utf-8") as f:
        json.dump(doc(1.0, 0.0), f, ensure_ascii=False, indent=1)
        f.write("\n")
    if args.shift_ms or args.drift:
        with open(out + ".shifted.json", "w", encoding="utf-8") as f:
            json.dump(doc(1.0 + args.drift, args.shift_ms / 1000.0), f, ensure_ascii=False,
                      indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
