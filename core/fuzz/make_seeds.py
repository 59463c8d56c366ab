#!/usr/bin/env python3
"""Optional seed corpus for the `check` target: one small file per built-in
template (its own header, a good row, bad rows, a duplicate) and the test
fixtures, each behind the target's 5 control bytes. Writes corpus/check/
(ignored by git). Run from core/fuzz: python3 make_seeds.py"""

import pathlib
import tomllib

HERE = pathlib.Path(__file__).resolve().parent
CORE = HERE.parent
OUT = HERE / "corpus" / "check"
# The order of csv_import_core::builtin::SOURCES.
ORDER = ["coaching-leads", "partner-leads", "client-accounts", "crm-clients", "clients", "leads", "companies"]

GOOD = {
    "email": "Ann@Example.com", "password": "Correct-Horse-9-Battery", "date": "1990-02-28",
    "datetime": "2024-05-06T07:08:09Z", "boolean": "yes", "phone": "+1 555 123 4567",
    "url": "https://example.com/a", "id": "65a1b2c3d4e5f6a7b8c9d0e1", "number": "12.5",
}
BAD = {
    "email": "not-an-email", "password": "123", "date": "1990-02-30", "datetime": "yesterday",
    "boolean": "maybe", "phone": "call me", "url": "htp:/x", "id": "=1+1", "number": "1,2,3",
}


def rows(template):
    fields = template["fields"]
    header = [f.get("label", f["key"]) for f in fields]
    good, bad = [], []
    for f in fields:
        kind = f.get("type", "text")
        if kind == "enum":
            good.append(f["options"][0]["value"])
            bad.append("other")
        else:
            good.append(GOOD.get(kind, "Ann"))
            bad.append(BAD.get(kind, "<b>x</b>"))
    return [header, good, bad, good, [""] * len(fields), good[:1]]


def csv_line(cells, delimiter):
    def quote(c):
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in f'"\r\n{delimiter}') else c
    return delimiter.join(quote(c) for c in cells)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    n = 0
    for index, name in enumerate(ORDER):
        template = tomllib.loads((CORE.parent / "templates" / f"{name}.toml").read_text())
        for delimiter, flags, encoding in [(",", 0, "utf-8"), (";", 0, "cp1252"), ("\t", 3, "utf-16le")]:
            text = "\r\n".join(csv_line(r, delimiter) for r in rows(template)) + "\r\n"
            control = bytes([index, flags, ",;\t|: ".index(delimiter), 2 if encoding == "utf-16le" else 0, n])
            (OUT / f"{name}-{n}").write_bytes(control + text.encode(encoding))
            n += 1
    for path in sorted((CORE / "tests" / "fixtures").glob("*.*")):
        if path.suffix in (".py",):
            continue
        (OUT / f"fixture-{path.name}").write_bytes(bytes([n % 7, 0, 0, 0, n]) + path.read_bytes())
        n += 1
    print(f"{n} seeds in {OUT}")


if __name__ == "__main__":
    main()
