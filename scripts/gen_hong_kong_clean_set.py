"""Generate ``tests/data/script_clean/hong_kong.txt.xz``: Hong Kong text to leave alone.

Sources (each checked out at the commit named, as ``owner+name`` folders of ``--sources``):

- fcbond/hkcancor @ d5a45de, ``data/utf8/*``: the Hong Kong Cantonese Corpus (HKCanCor,
  K. K. Luke and May L. Y. Wong), 1997-98 conversations and radio programmes transcribed in
  Hong Kong's character forms (着 裏 吓 嘅 係); CC BY 4.0 (``data/LICENSE``). Each
  utterance's words joined (a space only between two Latin words), one utterance a line,
  one transcript a document.
- Edditoria/notepad-plus-plus-localization-hong-kong @ dd09a25, ``hongKongCantonese.xml``:
  Notepad++'s interface in written Hong Kong Cantonese; MIT (``LICENSE.txt``). Every
  attribute value with a Han character, one a line.
- lbrabbit/langpack-zh-HK @ f7bc7a4, ``v029/``: Firefox's interface translated for Hong Kong
  by the Mozilla Hong Kong community (``.dtd`` and ``.properties`` files); MPL 2.0
  (``LICENSE``). Every string with a Han character, one a line, one file a document.
- Android apps' interfaces in Hong Kong Chinese (``res/**/values-zh-rHK/*.xml``: every
  ``<string>`` and ``<item>`` with a Han character, markup removed, one a line; one app a
  document); Apache 2.0 (AOSP's ``MODULE_LICENSE_APACHE2`` / ``NOTICE``):
  AOSP-Platform/Messaging @ 47b44bb, Ankits-lab/packages_apps_DocumentsUI @ 3389317,
  Ankits-lab/packages_apps_Bluetooth @ 5d0ed48, Ankits-lab/packages_apps_Launcher3 @ dd38735,
  AuroraOSS/packages_apps_Calendar @ 004bbd85, LineageOS/android_packages_apps_Contacts @
  41570c7a7, LineageOS/android_packages_apps_Dialer @ f7033c104,
  LineageOS/android_packages_apps_Gallery2 @ b2c1689bb, LineageOS/android_packages_apps_Email @
  f67ba43a3, LineageOS/android_packages_apps_DeskClock @ 501626741,
  LineageOS/android_packages_apps_Camera2 @ d8b5759d2, LineageOS/android_packages_apps_Eleven @
  964525a8, LineageOS/android_packages_apps_ManagedProvisioning @ 18675675 and
  AOSPA/android_packages_services_Telephony @ 59584f814 (the last two state Apache 2.0 in
  their source files' headers).

Documents are separated by a line holding only ``\\f``. Run:
``python scripts/gen_hong_kong_clean_set.py --sources DIR``.
"""

from __future__ import annotations

import argparse
import html
import lzma
import pathlib
import re

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "script_clean"
SEPARATOR = "\n\f\n"
SENTENCE_RE = re.compile(r"<sent_tag>(.*?)</sent_tag>", re.DOTALL)
ATTRIBUTE_RE = re.compile(r'(?:name|value|title)="([^"]*[\u4e00-\u9fff][^"]*)"')
HAN_RE = re.compile("[\u4e00-\u9fff]")
#: A string of a Mozilla ``.dtd`` (``<!ENTITY key "value">``) or ``.properties`` (``key=value``).
MOZILLA_STRING_RE = re.compile(r'^<!ENTITY\s+\S+\s+"(.*)"\s*>$|^[^#!<\s][^=]*=\s*(.*)$')


def _utterance(tagged: str) -> str:
    """The words of one ``<sent_tag>`` (``word/pos/jyutping/`` a line), joined."""
    text = ""
    for line in tagged.split("\n"):
        word = line.strip().split("/")[0]
        if word and text and word[0].isascii() and text[-1].isascii() and word[0].isalnum():
            text += " "
        text += word
    return text


def hkcancor(folder: pathlib.Path) -> list[str]:
    documents = []
    for path in sorted((folder / "data" / "utf8").iterdir()):
        lines = [_utterance(m) for m in SENTENCE_RE.findall(path.read_text("utf-8"))]
        documents.append("\n".join(line for line in lines if line))
    return documents


def notepad_plus_plus(folder: pathlib.Path) -> list[str]:
    xml = (folder / "hongKongCantonese.xml").read_text("utf-8")
    return ["\n".join(html.unescape(value) for value in ATTRIBUTE_RE.findall(xml))]


def firefox(folder: pathlib.Path) -> list[str]:
    documents = []
    for path in sorted((folder / "v029").rglob("*")):
        if path.suffix not in (".dtd", ".properties"):
            continue
        strings = []
        for line in path.read_text("utf-8").splitlines():
            match = MOZILLA_STRING_RE.match(line.strip())
            value = match and (match.group(1) or match.group(2))
            if value and HAN_RE.search(value):
                strings.append(html.unescape(value) if path.suffix == ".dtd" else value)
        if strings:
            documents.append("\n".join(strings))
    return documents


ANDROID_APPS = (
    "AOSP-Platform+Messaging",
    "Ankits-lab+packages_apps_DocumentsUI",
    "Ankits-lab+packages_apps_Bluetooth",
    "Ankits-lab+packages_apps_Launcher3",
    "AuroraOSS+packages_apps_Calendar",
    "LineageOS+android_packages_apps_Contacts",
    "LineageOS+android_packages_apps_Dialer",
    "LineageOS+android_packages_apps_Gallery2",
    "LineageOS+android_packages_apps_Email",
    "LineageOS+android_packages_apps_DeskClock",
    "LineageOS+android_packages_apps_Camera2",
    "LineageOS+android_packages_apps_Eleven",
    "LineageOS+android_packages_apps_ManagedProvisioning",
    "AOSPA+android_packages_services_Telephony",
)
ANDROID_STRING_RE = re.compile(r"<(string|item)\b[^>]*>(.*?)</\1>", re.DOTALL)
JAVA_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
TAG_RE = re.compile(r"<[^>]+>")


def android(folder: pathlib.Path) -> list[str]:
    """One document: the app's Hong Kong strings (``\\n`` a line break, escapes read)."""
    strings = []
    for path in sorted(folder.rglob("values-zh-rHK/*.xml")):
        for _, value in ANDROID_STRING_RE.findall(path.read_text("utf-8")):
            value = html.unescape(TAG_RE.sub("", value)).strip().strip('"')
            value = value.replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"')
            value = JAVA_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)
            if HAN_RE.search(value):
                strings.append(value)
    return ["\n".join(strings)] if strings else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=pathlib.Path, required=True)
    args = parser.parse_args()
    documents = hkcancor(args.sources / "fcbond+hkcancor")
    documents += notepad_plus_plus(
        args.sources / "Edditoria+notepad-plus-plus-localization-hong-kong"
    )
    documents += firefox(args.sources / "lbrabbit+langpack-zh-HK")
    for app in ANDROID_APPS:
        documents += android(args.sources / app)
    text = SEPARATOR.join(documents) + "\n"
    (OUT / "hong_kong.txt.xz").write_bytes(lzma.compress(text.encode("utf-8")))
    print(f"{len(documents)} documents, {len(text.encode('utf-8')):,} bytes")


if __name__ == "__main__":
    main()
