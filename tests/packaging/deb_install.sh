#!/bin/bash
# The .deb as a user gets it: built with cpack from the build folder, unpacked with `dpkg -x`
# into a scratch root, and used from there.
#  - the package holds the programs, the SentencePiece module, the .desktop file, the metainfo,
#    the SVG icon and the hicolor PNGs (each the size its folder names);
#  - no installed ELF file has an RPATH/RUNPATH or a string naming the build or source folder,
#    and each one's libraries resolve (ldd) outside both;
#  - the installed footfall and footfall-cli print their version, and footfall-cli renders a
#    procedural take into a scratch folder (its JSON, and soxi on the WAV, agree on the format);
#  - the installed footfall-cli finds the SentencePiece module at its installed path and
#    tokenizes with it as spm_encode does (--tokenizer-check on a tiny model made by spm_train);
#  - desktop-file-validate and `appstreamcli validate --no-net` pass on the installed files
#    without errors or warnings, and each metainfo screenshot is a docs/screenshots picture of
#    the stated size.
# A missing tool skips its part (exit 77, CTest's SKIP_RETURN_CODE) and names the Debian package;
# under CI=true it is a failure.
#
# Usage: deb_install.sh BUILD_DIR SOURCE_DIR VERSION [CPACK [SANITIZE]]
# SANITIZE=ON (a FOOTFALL_SANITIZE build): the package is checked as far as instrumented
# binaries allow. Two checks cannot hold there and are left out, saying so: ASan/UBSan embed
# each instrumented file's absolute source path (GCC 12 does not remap them with
# -ffile-prefix-map), and ASan cannot dlopen() the SentencePiece module with RTLD_DEEPBIND, so
# only the tokenizer's server process is checked. A sanitizer build is never shipped.
set -uo pipefail

build_dir=$(realpath "$1")
source_dir=$(realpath "$2")
version=$3
cpack=${4:-cpack}
sanitize=${5:-OFF}

failures=0
skipped=()
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

on_ci() {
  case "${CI:-}" in
    true | TRUE | 1 | yes) return 0 ;;
    *) return 1 ;;
  esac
}

# have TOOL PACKAGE PART: true when TOOL is installed; else a skip of PART (a failure on CI).
have() {
  if command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  if on_ci; then
    fail "CI=true requires $1 (Debian package $2) for: $3"
  else
    skipped+=("$3: $1 not installed (Debian package $2)")
  fi
  return 1
}

finish() {
  if ((failures > 0)); then
    echo "$failures check(s) failed"
    exit 1
  fi
  if ((${#skipped[@]} > 0)); then
    printf 'SKIP: %s\n' "${skipped[@]}"
    exit 77
  fi
  echo "all packaging checks passed"
  exit 0
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/footfall-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# --- the package ----------------------------------------------------------------------------
if ! have "$cpack" cmake "building the .deb" || ! have dpkg-deb dpkg "unpacking the .deb" ||
  ! have python3 python3 "reading JSON and XML"; then
  finish
fi
if ! "$cpack" --config "$build_dir/CPackConfig.cmake" -G DEB -B "$scratch/pkg" \
  >"$scratch/cpack.log" 2>&1; then
  tail -n 40 "$scratch/cpack.log"
  fail "cpack could not build the .deb"
  finish
fi
debs=("$scratch"/pkg/footfall_"$version"_*.deb)
if [[ ! -f ${debs[0]} ]]; then
  ls -l "$scratch/pkg"
  fail "cpack made no footfall_${version}_*.deb"
  finish
fi
deb=${debs[0]}
pass "cpack built $(basename "$deb")"
root="$scratch/root"
if ! dpkg-deb -x "$deb" "$root"; then
  fail "dpkg -x could not unpack $deb"
  finish
fi

cli="$root/usr/bin/footfall-cli"
module=$(find "$root" -name footfall_spm.so -type f | head -n 1)
server=$(find "$root" -name footfall-spm-server -type f | head -n 1)
for f in usr/bin/footfall usr/bin/footfall-cli usr/share/applications/org.footfall.Footfall.desktop \
  usr/share/metainfo/org.footfall.Footfall.metainfo.xml \
  usr/share/icons/hicolor/scalable/apps/org.footfall.Footfall.svg; do
  [[ -f $root/$f ]] || fail "the package lacks /$f"
done
if [[ -z $module ]]; then
  fail "the package lacks the SentencePiece module footfall_spm.so"
else
  pass "the SentencePiece module is /${module#"$root"/}"
fi
if [[ -z $server || ! -x $server ]]; then
  fail "the package lacks the SentencePiece server footfall-spm-server"
fi

# The PNG's IHDR width and height, "W H".
png_size() {
  python3 -c 'import struct,sys
d=open(sys.argv[1],"rb").read(24)
assert d[:8]==b"\x89PNG\r\n\x1a\n" and d[12:16]==b"IHDR", "not a PNG"
print(*struct.unpack(">II",d[16:24]))' "$1"
}
for size in 16 22 24 32 48 64 128 256 512; do
  png="$root/usr/share/icons/hicolor/${size}x${size}/apps/org.footfall.Footfall.png"
  if [[ ! -f $png ]]; then
    fail "the package lacks the ${size}x${size} icon"
  elif [[ $(png_size "$png") != "$size $size" ]]; then
    fail "the ${size}x${size} icon is $(png_size "$png" 2>&1)"
  fi
done

# --- nothing of the build or source tree ------------------------------------------------------
mapfile -t elves < <(find "$root" -type f \( -path '*/bin/*' -o -name '*.so*' \
  -o -name footfall-spm-server \))
if ((${#elves[@]} < 4)); then
  fail "expected footfall, footfall-cli, footfall_spm.so and footfall-spm-server, found: ${elves[*]}"
fi
if have readelf binutils "RPATH/RUNPATH check" && have strings binutils "embedded path check"; then
  for elf in "${elves[@]}"; do
    name=/${elf#"$root"/}
    paths=$(readelf -d "$elf" | grep -E '\((RPATH|RUNPATH)\)' || true)
    if [[ -n $paths ]]; then
      fail "$name has an RPATH/RUNPATH: $paths"
    fi
    leaked=$(strings -a "$elf" | grep -F -e "$build_dir" -e "$source_dir" | head -n 5)
    if [[ $sanitize == ON ]]; then
      leaked="" # the sanitizers' source locations (see the usage note)
    fi
    if [[ -n $leaked ]]; then
      fail "$name names the build or source folder: $leaked"
    fi
  done
  if [[ $sanitize == ON ]]; then
    pass "no RPATH/RUNPATH in ${#elves[@]} installed binaries (sanitizer build: embedded source paths not checked)"
  else
    pass "no RPATH/RUNPATH, no $build_dir or $source_dir in ${#elves[@]} installed binaries"
  fi
fi
if have ldd libc-bin "library resolution check"; then
  for elf in "${elves[@]}"; do
    name=/${elf#"$root"/}
    libs=$(env -u LD_LIBRARY_PATH ldd "$elf" 2>&1)
    if grep -q 'not found' <<<"$libs"; then
      fail "$name: $(grep 'not found' <<<"$libs" | tr -s '\t ' ' ')"
    fi
    if grep -F -e "$build_dir" -e "$source_dir" <<<"$libs"; then
      fail "$name loads libraries from the build or source folder"
    fi
  done
  pass "every installed binary's libraries resolve outside the build and source folders"
fi

# --- the installed footfall-cli --------------------------------------------------------------
# Started from a scratch folder, without the variables that could point it back at the build.
run_cli() {
  (cd "$scratch" && env -u LD_LIBRARY_PATH -u FOOTFALL_SPM_MODULE -u FOOTFALL_SPM_SERVER "$cli" "$@")
}
got=$(run_cli --version 2>&1)
if [[ $got == "footfall-cli $version" ]]; then
  pass "footfall-cli --version: $got"
else
  fail "footfall-cli --version printed \"$got\", expected \"footfall-cli $version\""
fi

# The app's own --version, offscreen and with a throw-away home (it must not touch the user's).
got=$(cd "$scratch" && env -u LD_LIBRARY_PATH HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/config" \
  XDG_DATA_HOME="$scratch/home/data" QT_QPA_PLATFORM=offscreen "$root/usr/bin/footfall" --version 2>/dev/null)
if [[ $got == "Footfall $version" ]]; then
  pass "footfall --version: $got"
else
  fail "footfall --version printed \"$got\", expected \"Footfall $version\""
fi

takes="$scratch/takes"
if run_cli --engine procedural --prompt "boots on gravel" --duration 1.5 --seed 7 \
  --output "$takes" --json >"$scratch/take.json" 2>"$scratch/take.err"; then
  wav=$(python3 - "$scratch/take.json" "$takes" 2>&1 <<'EOF'
import json, os, sys
m = json.load(open(sys.argv[1]))
checks = {"success": m.get("success") is True, "engine": m.get("engine") == "procedural",
          "seed": m.get("seed") == 7, "sample_rate": m.get("sample_rate") == 44100,
          "num_samples": m.get("num_samples") == 66150, "channels": m.get("channels") == 2,
          "format": m.get("format") == "wav32f"}
bad = [k for k, ok in checks.items() if not ok]
path = m.get("output_path", "")
if os.path.dirname(os.path.realpath(path)) != os.path.realpath(sys.argv[2]):
    bad.append("output_path " + path)
if bad:
    sys.exit("unexpected " + ", ".join(bad))
print(path)
EOF
  )
  if [[ $? -ne 0 || ! -f $wav ]]; then
    fail "the procedural take's metadata: $wav"
  else
    pass "procedural take $(basename "$wav") written into the scratch folder"
    if have soxi sox "reading the take's WAV header"; then
      info="$(soxi -c "$wav") $(soxi -r "$wav") $(soxi -s "$wav") $(soxi -e "$wav")"
      if [[ $info == "2 44100 66150 Floating Point PCM" ]]; then
        pass "soxi: 2 channels, 44100 Hz, 66150 samples, float"
      else
        fail "soxi reads the take as \"$info\", expected \"2 44100 66150 Floating Point PCM\""
      fi
    fi
  fi
else
  cat "$scratch/take.err"
  fail "the installed footfall-cli could not render a procedural take"
fi

# The T5 tokenizer: a tiny SentencePiece model, tokenized by the installed CLI (which must load
# the installed module, nothing else) and by spm_encode.
if [[ -n $module ]] && have spm_train sentencepiece "tokenizer check" &&
  have spm_encode sentencepiece "tokenizer check"; then
  words=(footsteps on gravel wooden floor boots heels snow running walking wet concrete leaves
    stairs barefoot carpet the a of in hallway forest distant quiet loud)
  for ((i = 0; i < 300; i++)); do
    line=()
    for ((w = 0; w < 7; w++)); do
      line+=("${words[$(((i * 7 + w * 13 + i / 5) % ${#words[@]}))]}")
    done
    echo "${line[*]}"
  done >"$scratch/corpus.txt"
  spm_train --input="$scratch/corpus.txt" --model_prefix="$scratch/tiny" --vocab_size=48 \
    --hard_vocab_limit=false --model_type=unigram --pad_id=0 --eos_id=1 --unk_id=2 \
    --bos_id=-1 --minloglevel=2 >/dev/null 2>&1
  text="heavy boots on wet concrete stairs"
  if [[ ! -f $scratch/tiny.model ]]; then
    fail "spm_train made no model"
  else
    expected=$(spm_encode --model="$scratch/tiny.model" --output_format=id <<<"$text")
    # Both places SentencePiece runs: the dlopen()ed module and the server process.
    backends=(module process)
    if [[ $sanitize == ON ]]; then
      backends=(process)
      echo "note: sanitizer build: the module cannot be loaded under ASan; the server is checked"
    fi
    for backend in "${backends[@]}"; do
      if ! FOOTFALL_TOKENIZER=$backend run_cli --tokenizer-check "$scratch/tiny.model" \
        --prompt "$text" --json >"$scratch/tok.json" 2>"$scratch/tok.err"; then
        cat "$scratch/tok.err"
        fail "the installed footfall-cli could not load the tokenizer ($backend)"
        continue
      fi
      installed=$module
      [[ $backend == process ]] && installed=$server
      if msg=$(python3 - "$scratch/tok.json" "$backend" "$installed" "$expected" 2>&1 <<'EOF'
import json, os, sys
m = json.load(open(sys.argv[1]))
backend, installed, expected = sys.argv[2], sys.argv[3], sys.argv[4].strip()
if m["tokenizer_backend"] != backend:
    sys.exit("ran the " + m["tokenizer_backend"] + " tokenizer, not the " + backend)
key = "spm_module" if backend == "module" else "spm_server"
if os.path.realpath(m[key]) != os.path.realpath(installed):
    sys.exit("used " + m[key] + ", not the installed " + installed)
ids = " ".join(str(i) for i in m["ids"])
if ids != expected:
    sys.exit("ids " + ids + " differ from spm_encode's " + expected)
print(m[key] + ", ids " + ids)
EOF
      ); then
        pass "tokenizer ($backend): $msg"
      else
        fail "tokenizer ($backend): $msg"
      fi
    done
  fi
fi

# --- desktop integration ---------------------------------------------------------------------
desktop="$root/usr/share/applications/org.footfall.Footfall.desktop"
if have desktop-file-validate desktop-file-utils "validating the .desktop file"; then
  out=$(desktop-file-validate "$desktop" 2>&1)
  rc=$?
  if [[ $rc -ne 0 || -n $out ]]; then
    fail "desktop-file-validate (exit $rc): $out"
  else
    pass "desktop-file-validate: no errors, warnings or hints"
  fi
fi
metainfo="$root/usr/share/metainfo/org.footfall.Footfall.metainfo.xml"
if have appstreamcli appstream "validating the metainfo"; then
  out=$(appstreamcli validate --no-net "$metainfo" 2>&1)
  rc=$?
  echo "$out"
  if [[ $rc -ne 0 ]] || grep -qE '^[EW]: ' <<<"$out"; then
    fail "appstreamcli validate --no-net (exit $rc) reports errors or warnings"
  else
    pass "appstreamcli validate --no-net: no errors or warnings"
  fi
  out=$(appstreamcli validate-tree --no-net "$root/usr" 2>&1)
  rc=$?
  if [[ $rc -ne 0 ]] || grep -qE '^[EW]: ' <<<"$out"; then
    echo "$out"
    fail "appstreamcli validate-tree --no-net (exit $rc) on the installed tree"
  else
    pass "appstreamcli validate-tree --no-net: the .desktop, metainfo and icon agree"
  fi
fi
# Screenshots, releases and the content rating, and the pictures the screenshots name.
if msg=$(python3 - "$metainfo" "$source_dir/docs/screenshots" "$version" 2>&1 <<'EOF'
import os, struct, sys
import xml.etree.ElementTree as ET
c = ET.parse(sys.argv[1]).getroot()
problems = []
shots = c.findall("screenshots/screenshot")
if not shots:
    problems.append("no screenshots")
for s in shots:
    if not (s.findtext("caption") or "").strip():
        problems.append("a screenshot without a caption")
    for img in s.findall("image"):
        name = os.path.basename(img.text.strip())
        local = os.path.join(sys.argv[2], name)
        if not os.path.isfile(local):
            problems.append(name + " is not in docs/screenshots")
            continue
        d = open(local, "rb").read(24)
        w, h = struct.unpack(">II", d[16:24])
        if (img.get("width"), img.get("height")) != (str(w), str(h)):
            problems.append("%s is %dx%d, the metainfo says %sx%s"
                            % (name, w, h, img.get("width"), img.get("height")))
releases = c.findall("releases/release")
if not releases or releases[0].get("version") != sys.argv[3]:
    problems.append("the newest release is not " + sys.argv[3])
elif releases[0].find("description") is None:
    problems.append("release " + sys.argv[3] + " has no description")
rating = c.find("content_rating")
if rating is None or rating.get("type") != "oars-1.1":
    problems.append("no oars-1.1 content rating")
if problems:
    sys.exit("; ".join(problems))
print("%d screenshots from docs/screenshots, release %s, oars-1.1" % (len(shots), sys.argv[3]))
EOF
); then
  pass "metainfo: $msg"
else
  fail "metainfo: $msg"
fi

finish
