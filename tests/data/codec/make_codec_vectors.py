#!/usr/bin/env python3
"""Regenerates the compressed test vectors in tests/data/codec/ and the codec fuzz seeds.

Every lz4/lzf/snappy/zstd file here is written by Spark's OWN codec classes
(org.apache.spark.io.CompressionCodec, via the py4j gateway of a local SparkContext), through
compressedContinuousOutputStream -- the call EventLogFileWriter uses for event logs -- so the
decoders are tested against exactly the framing a real Spark writes, never hand-made bytes.

Made with pyspark 4.0.1 (lz4-java 1.8.0, compress-lzf 1.1.2, snappy-java 1.1.10.7,
zstd-jni 1.5.6-9), Java 17. Run from the repository root:

    /root/.cache/sparkmedic/venv/bin/python tests/data/codec/make_codec_vectors.py

Inputs: plain.json (the first ~50 KB of a real Spark event log, see ATTRIBUTION.md). If it is
missing it is cut from the apache/spark test resource named in ATTRIBUTION.md.

Outputs (tests/data/codec/):
  <c>/normal.<c>     plain.json written in 4 KiB writes, then close()
  <c>/flushed.<c>    plain.json written line by line with flush() every 5 lines, as the
                     event-log writer flushes (zstd: each flush closes a frame; snappy/lzf: each
                     flush ends a chunk; lz4: Spark passes syncFlush=false, so no effect)
  <c>/empty.<c>      a stream opened and closed with nothing written
  <c>/truncated.<c>  flushed.<c> cut halfway between two flush points (after the second one
                     when the codec's blocks allow), like a log still being written
  <c>/concat.<c>     two complete streams appended to one file (first 12 KiB of plain.json,
                     split at 5000 bytes), as Spark concatenates serialized streams
  snappy/framed.sz   plain.json in the standard snappy framing format (SnappyFramedOutputStream)
  gzip/plain.json.gz, gzip/concat.json.gz (two gzip members), gzip/truncated.json.gz,
  nested/app-nested.gz (gzip holding the zstd normal stream),
  nested/app-misnamed.zstd (gzip content under a .zstd name),
  xxh32_vectors.txt  lz4-java's own XXH32 (seed, input as hex or "plain:N", hash) for the unit test
and fuzz seeds under tests/fuzz/corpus/codec_<name>/ (small real streams).
"""
import gzip
import os
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / "tests/data/codec"
CORPUS = ROOT / "tests/fuzz/corpus"
SOURCE_LOG = pathlib.Path(
    "/work/shared/eventlogs/apache__spark/core/src/test/resources/spark-events/"
    "app-20161115172038-0000")
PLAIN_TARGET = 50 * 1024
CODECS = ["lz4", "lzf", "snappy", "zstd"]


def plain_text() -> bytes:
    path = OUT / "plain.json"
    if not path.exists():
        data = SOURCE_LOG.read_bytes()
        cut = data.rfind(b"\n", 0, PLAIN_TARGET) + 1  # whole lines only
        path.write_bytes(data[:cut])
    return path.read_bytes()


class Spark:
    def __init__(self):
        from pyspark import SparkConf, SparkContext
        conf = SparkConf().set("spark.ui.enabled", "false")
        self.sc = SparkContext(master="local[1]", appName="codec-vectors", conf=conf)
        self.jvm = self.sc._jvm
        self.conf = self.sc._jsc.sc().conf()

    def codec(self, name):
        return self.jvm.org.apache.spark.io.CompressionCodec.createCodec(self.conf, name)

    def open(self, name, path, append=False):
        fos = self.jvm.java.io.FileOutputStream(str(path), append)
        return self.codec(name).compressedContinuousOutputStream(fos)

    def xxh32(self, data: bytes, seed: int) -> int:
        factory = self.jvm.net.jpountz.xxhash.XXHashFactory.fastestJavaInstance()
        return factory.hash32().hash(bytearray(data), 0, len(data), seed) & 0xFFFFFFFF

    def stop(self):
        self.sc.stop()


def write_stream(spark, codec, path, pieces, flush_every=0, append=False):
    """Writes pieces through Spark's codec; returns the file size after each flush and at close
    (the codec stream sits directly on an unbuffered FileOutputStream)."""
    out = spark.open(codec, path, append)
    sizes = []
    for i, piece in enumerate(pieces, 1):
        out.write(bytearray(piece))
        if flush_every and i % flush_every == 0:
            out.flush()
            sizes.append(os.path.getsize(path))
    out.close()
    sizes.append(os.path.getsize(path))
    return sizes


def cut_point(sizes):
    """A byte offset strictly inside the data written between two flushes: after the second
    distinct flush point if there is one, so whole blocks/frames precede the cut."""
    points = sorted(set([0] + sizes))
    k = 2 if len(points) >= 4 else len(points) - 2
    return points[k] + (points[k + 1] - points[k]) // 2


def main():
    plain = plain_text()
    spark = Spark()
    try:
        lines = plain.splitlines(keepends=True)
        chunks = [plain[i:i + 4096] for i in range(0, len(plain), 4096)]
        small = plain[:12 * 1024]
        for c in CODECS:
            d = OUT / c
            d.mkdir(parents=True, exist_ok=True)
            write_stream(spark, c, d / f"normal.{c}", chunks)
            sizes = write_stream(spark, c, d / f"flushed.{c}", lines, flush_every=5)
            write_stream(spark, c, d / f"empty.{c}", [])
            write_stream(spark, c, d / f"concat.{c}", [small[:5000]])
            write_stream(spark, c, d / f"concat.{c}", [small[5000:]], append=True)
            flushed = (d / f"flushed.{c}").read_bytes()
            (d / f"truncated.{c}").write_bytes(flushed[:cut_point(sizes)])

            seeds = CORPUS / f"codec_{c}"
            seeds.mkdir(parents=True, exist_ok=True)
            write_stream(spark, c, seeds / "small", [plain[:700], plain[700:1500]], flush_every=1)
            shutil.copy(d / f"empty.{c}", seeds / "empty")
            shutil.copy(d / f"concat.{c}", seeds / "concat")

        # The standard snappy framing format, from snappy-java's own writer.
        fos = spark.jvm.java.io.FileOutputStream(str(OUT / "snappy/framed.sz"))
        framed = spark.jvm.org.xerial.snappy.SnappyFramedOutputStream(fos)
        framed.write(bytearray(plain))
        framed.close()

        g = OUT / "gzip"
        g.mkdir(exist_ok=True)
        (g / "plain.json.gz").write_bytes(gzip.compress(plain, mtime=0))
        half = len(plain) // 2
        (g / "concat.json.gz").write_bytes(gzip.compress(plain[:half], mtime=0) +
                                           gzip.compress(plain[half:], mtime=0))
        whole = (g / "plain.json.gz").read_bytes()
        (g / "truncated.json.gz").write_bytes(whole[:len(whole) // 2])
        n = OUT / "nested"
        n.mkdir(exist_ok=True)
        (n / "app-nested.gz").write_bytes(
            gzip.compress((OUT / "zstd/normal.zstd").read_bytes(), mtime=0))
        (n / "app-misnamed.zstd").write_bytes(gzip.compress(plain, mtime=0))
        seeds = CORPUS / "codec_gzip"
        seeds.mkdir(parents=True, exist_ok=True)
        (seeds / "small").write_bytes(gzip.compress(plain[:1500], mtime=0))
        (seeds / "concat").write_bytes(gzip.compress(b"{}\n", mtime=0) * 2)

        seeds = CORPUS / "codec_open"
        seeds.mkdir(parents=True, exist_ok=True)
        for c in CODECS + ["gzip"]:
            shutil.copy(CORPUS / f"codec_{c}" / "small", seeds / f"small_{c}")
        (seeds / "nested").write_bytes(
            gzip.compress((CORPUS / "codec_zstd/small").read_bytes(), mtime=0))
        (seeds / "plain").write_bytes(plain[:600])

        # XXH32 as lz4-java computes it (its pure-Java implementation). Inputs are given as hex,
        # or as "plain:N" for the first N bytes of plain.json.
        with open(OUT / "xxh32_vectors.txt", "w") as f:
            f.write("# seed input xxh32 -- lz4-java XXHashFactory.fastestJavaInstance().hash32()\n")
            samples = [b"", b"a", b"abc", b"0123456789abcdef",
                       b"Nobody inspects the spammish repetition"]
            for seed in (0, 0x9747B28C):
                jseed = seed - (1 << 32) if seed >= 1 << 31 else seed  # Java int
                for s in samples:
                    f.write(f"{seed:#010x} {s.hex() or '-'} {spark.xxh32(s, jseed):#010x}\n")
                for n in (15, 16, 17, 100, 1000, 4099):
                    f.write(f"{seed:#010x} plain:{n} {spark.xxh32(plain[:n], jseed):#010x}\n")
    finally:
        spark.stop()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
