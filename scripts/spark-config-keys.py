#!/usr/bin/env python3
"""Builds tests/data/spark-config-keys.txt: every Spark configuration key defined in Spark's own
source, so the runbooks can be checked never to name a key Spark does not have
(tests/unit/test_runbooks.cpp).

Usage:
  scripts/spark-config-keys.py --spark 4.0.1=SRC[,SRC...] --spark 3.5.9=SRC[,SRC...] \
      [--celeborn 0.6.3=SRC] > tests/data/spark-config-keys.txt

SRC is one of
  * a directory: an apache/spark (or apache/celeborn) checkout, or unpacked sources;
  * a sources jar or zip (Maven Central's `<artifact>-sources.jar`, the same files as the tag);
  * GITDIR@REF: a bare git directory (what the `fetch` tool brings) and a tag or commit.
Only *.scala and *.java files are read. Nothing is fetched; nothing is executed.

What counts as a key (read from the source, never guessed):
  * the literal first argument of ConfigBuilder(...), buildConf(...), buildStaticConf(...)
    (core internal/config/*.scala, SQLConf.scala, StaticSQLConf.scala, k8s Config.scala,
    connect Connect.scala, ...), and of .withAlternative(...) (older names still read);
  * a literal key read or written through SparkConf-style calls (conf.get("spark.x", ...),
    getInt, getBoolean, getSizeAsBytes, set, contains, ...), e.g. network-common's
    TransportConf and SparkConf itself;
  * network-common's per-module keys: TransportConf.getConfKey(suffix) is
    "spark." + module + "." + suffix, for every module Spark passes to
    SparkTransportConf.fromSparkConf(conf, "<module>", ...) (shuffle, rpc);
  * prefixes (a literal ending in '.', e.g. "spark.kubernetes.driver.label.") read with
    startsWith/getAllWithPrefix or held in a *_PREFIX constant: written as "prefix*";
  * deprecated names from SparkConf's DeprecatedConfig(...) entries: marked "deprecated".
  * Celeborn: the Celeborn Spark client copies every "spark.celeborn.*" Spark property into its
    own configuration with the "spark." stripped (client-spark SparkUtils.fromSparkConf), so
    each CelebornConf buildConf("celeborn....") key is listed as "spark.celeborn....".
"""
import argparse
import io
import os
import re
import subprocess
import sys
import zipfile
from collections import defaultdict

KEY = r'spark\.[A-Za-z0-9_][A-Za-z0-9_.\-]*'
DEF_RE = re.compile(r'\b(?:ConfigBuilder|buildConf|buildStaticConf)\(\s*"(' + KEY + r')"')
ALT_RE = re.compile(r'\.withAlternative\(\s*"(' + KEY + r')"')
GETTERS = ('get|getOption|getInt|getLong|getDouble|getBoolean|getSizeAsBytes|getSizeAsKb|'
           'getSizeAsMb|getSizeAsGb|getTimeAsMs|getTimeAsSeconds|contains|set|setIfMissing|remove')
USE_RE = re.compile(r'\.(?:' + GETTERS + r')\(\s*"(' + KEY + r')"')
PREFIX_RE = re.compile(r'(?:startsWith|getAllWithPrefix)\(\s*"(' + KEY + r'\.)"|'
                       r'\bval\s+\w*(?:PREFIX|[Pp]refix)\s*=\s*"(' + KEY + r'\.)"')
DEPRECATED_RE = re.compile(r'DeprecatedConfig\(\s*"(' + KEY + r')"')
TRANSPORT_SUFFIX_RE = re.compile(r'getConfKey\(\s*"([A-Za-z0-9_.]+)"\s*\)')
TRANSPORT_MODULE_RE = re.compile(r'SparkTransportConf\.fromSparkConf\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*"([a-z]+)"')
NONLITERAL_RE = re.compile(r'\b(?:ConfigBuilder|buildConf|buildStaticConf)\(\s*(?!")[^)\s]')
# ConfigBuilder(SparkLauncher.EXECUTOR_MEMORY), buildConf(SqlApiConfHelper.ANSI_ENABLED_KEY): a
# key held in a string constant, possibly of another module (spark-launcher, spark-sql-api).
CONST_DEF_RE = re.compile(r'\b(?:ConfigBuilder|buildConf|buildStaticConf)\(\s*(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Z][A-Z0-9_]*)\s*\)')
CONST_RE = re.compile(r'\b(?:val\s+([A-Z][A-Z0-9_]*)\s*(?::\s*String\s*)?|String\s+([A-Z][A-Z0-9_]*)\s*)=\s*"([^"\\$]*)"')
# ConfigBuilder(s"$KUBERNETES_AUTH_DRIVER_CONF_PREFIX.serviceAccountName"): interpolated constants.
INTERP_DEF_RE = re.compile(r'\b(?:ConfigBuilder|buildConf|buildStaticConf)\(\s*s"([^"]+)"\s*\)')
INTERP_VAR_RE = re.compile(r'\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?')
CELEBORN_DEF_RE = re.compile(r'\b(?:buildConf|buildStaticConf)\(\s*"(celeborn\.[A-Za-z0-9_.\-]+)"')
CELEBORN_ALT_RE = re.compile(r'\.withAlternative\(\s*"(celeborn\.[A-Za-z0-9_.\-]+)"')


def source_files(src):
    """Yields (path, text) for every .scala/.java file of SRC."""
    def wanted(p):
        return p.endswith('.scala') or p.endswith('.java')
    if '@' in src and os.path.isdir(src.split('@', 1)[0]):
        gitdir, ref = src.split('@', 1)
        names = subprocess.run(['git', '--git-dir', gitdir, 'ls-tree', '-r', '--name-only', ref],
                               check=True, capture_output=True, text=True).stdout.split('\n')
        names = [n for n in names if wanted(n)]
        batch = subprocess.run(['git', '--git-dir', gitdir, 'cat-file', '--batch'],
                               input=''.join(f'{ref}:{n}\n' for n in names).encode(),
                               check=True, capture_output=True).stdout
        pos = 0
        for n in names:
            header_end = batch.index(b'\n', pos)
            size = int(batch[pos:header_end].split()[2])
            yield n, batch[header_end + 1:header_end + 1 + size].decode('utf-8', 'replace')
            pos = header_end + 1 + size + 1
    elif os.path.isdir(src):
        for root, _, files in os.walk(src):
            for f in files:
                p = os.path.join(root, f)
                if wanted(p):
                    with open(p, encoding='utf-8', errors='replace') as fh:
                        yield os.path.relpath(p, src), fh.read()
    elif zipfile.is_zipfile(src):
        with zipfile.ZipFile(src) as z:
            for n in z.namelist():
                if wanted(n):
                    yield n, z.read(n).decode('utf-8', 'replace')
    else:
        sys.exit(f'{src}: not a directory, a sources jar/zip or GITDIR@REF')


def spark_keys(sources):
    keys, prefixes, deprecated = set(), set(), set()
    suffixes, modules, files_with_defs = set(), set(), defaultdict(int)
    nonliteral = 0
    constants, const_refs, interpolated = {}, set(), set()
    for src in sources:
        for path, text in source_files(src):
            for m in DEF_RE.finditer(text):
                keys.add(m.group(1))
                files_with_defs[path] += 1
            keys.update(m.group(1) for m in ALT_RE.finditer(text))
            keys.update(m.group(1) for m in USE_RE.finditer(text))
            for m in PREFIX_RE.finditer(text):
                prefixes.add(m.group(1) or m.group(2))
            deprecated.update(m.group(1) for m in DEPRECATED_RE.finditer(text))
            if path.endswith('TransportConf.java'):
                suffixes.update(m.group(1) for m in TRANSPORT_SUFFIX_RE.finditer(text))
            modules.update(m.group(1) for m in TRANSPORT_MODULE_RE.finditer(text))
            nonliteral += len(NONLITERAL_RE.findall(text))
            const_refs.update(m.group(1) for m in CONST_DEF_RE.finditer(text))
            interpolated.update(m.group(1) for m in INTERP_DEF_RE.finditer(text))
            for m in CONST_RE.finditer(text):
                constants.setdefault(m.group(1) or m.group(2), m.group(3))
    resolved = 0
    for name in const_refs:
        if name in constants and not constants[name].endswith('.'):
            keys.add(constants[name])
            resolved += 1
    for template in interpolated:
        names = INTERP_VAR_RE.findall(template)
        if all(n in constants for n in names):
            key = INTERP_VAR_RE.sub(lambda m: constants[m.group(1)], template)
            if re.fullmatch(KEY, key) and not key.endswith('.'):
                keys.add(key)
                resolved += 1
    nonliteral -= resolved
    for mod in modules:
        for suf in suffixes:
            keys.add(f'spark.{mod}.{suf}')
    # A key that only appears as a deprecated name stays listed, marked deprecated.
    keys |= deprecated
    return keys, prefixes, deprecated, files_with_defs, modules, nonliteral


def celeborn_keys(sources):
    keys = set()
    for src in sources:
        for path, text in source_files(src):
            if path.endswith('CelebornConf.scala'):
                keys.update('spark.' + m.group(1) for m in CELEBORN_DEF_RE.finditer(text))
                keys.update('spark.' + m.group(1) for m in CELEBORN_ALT_RE.finditer(text))
    return keys


def parse_spec(spec):
    if '=' not in spec:
        sys.exit(f'{spec}: expected VERSION=SRC[,SRC...]')
    version, srcs = spec.split('=', 1)
    return version, srcs.split(',')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--spark', action='append', required=True, help='VERSION=SRC[,SRC...]')
    ap.add_argument('--celeborn', action='append', default=[], help='VERSION=SRC')
    ap.add_argument('--note', action='append', default=[], help='a line for the header (why these sources)')
    args = ap.parse_args()

    where = defaultdict(set)   # key -> versions
    notes = defaultdict(set)   # key -> {deprecated}
    header = []
    for spec in args.spark:
        version, srcs = parse_spec(spec)
        keys, prefixes, deprecated, defs, modules, nonliteral = spark_keys(srcs)
        for k in keys:
            where[k].add(f'spark-{version}')
        for p in prefixes:
            where[p + '*'].add(f'spark-{version}')
        for k in deprecated:
            notes[k].add('deprecated')
        header.append(f'# spark {version}: {len(keys)} keys, {len(prefixes)} prefixes, from '
                      + ', '.join(os.path.basename(s.rstrip('/')) for s in srcs))
        header.append('#   definitions per file:')
        header.extend(f'#     {f}: {n}' for f, n in sorted(defs.items()))
        header.append(f'#   network modules expanded: {", ".join(sorted(modules))}; '
                      f'definitions with a non-literal key (not listed): {nonliteral}')
    for spec in args.celeborn:
        version, srcs = parse_spec(spec)
        keys = celeborn_keys(srcs)
        for k in keys:
            where[k].add(f'celeborn-{version}')
        header.append(f'# celeborn {version}: {len(keys)} keys (CelebornConf.scala, as spark.celeborn.*), from '
                      + ', '.join(os.path.basename(s.rstrip('/')) for s in srcs))

    out = io.StringIO()
    out.write('# Spark configuration keys defined in Spark\'s source (and Celeborn client keys Spark passes on).\n')
    out.write('# Generated by scripts/spark-config-keys.py; do not edit by hand. Read by tests/unit/test_runbooks.cpp.\n')
    out.write('# Format: KEY<TAB>where it is defined[<TAB>deprecated]; a KEY ending in "*" is a prefix.\n')
    out.write('# Sources: org.apache.spark:spark-{core,catalyst,sql,sql-api,kubernetes,connect,network-common,common-utils,launcher}\n')
    out.write('# sources jars (the released source files of each tag), read in full (*.scala, *.java):\n')
    for n in args.note:
        out.write('# Note: ' + n + '\n')
    def short(spec):
        version, srcs = parse_spec(spec)
        return version + '=' + ','.join(os.path.basename(x.rstrip('/')) for x in srcs)
    out.write('# Built with: scripts/spark-config-keys.py'
              + ''.join(f' --spark {short(a)}' for a in args.spark)
              + ''.join(f' --celeborn {short(a)}' for a in args.celeborn) + '\n')
    for h in header:
        out.write(h + '\n')
    for k in sorted(where):
        line = k + '\t' + ','.join(sorted(where[k]))
        if notes.get(k):
            line += '\t' + ','.join(sorted(notes[k]))
        out.write(line + '\n')
    sys.stdout.write(out.getvalue())


if __name__ == '__main__':
    main()
