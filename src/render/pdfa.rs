//! Turns a rendered invoice (a lopdf document straight from printpdf) into a Factur-X PDF/A-3b:
//! the CII XML embedded as `factur-x.xml`, an associated file of the document (`/AF`,
//! `AFRelationship /Data`) listed in the EmbeddedFiles name tree; XMP metadata declaring PDF/A-3B
//! and the Factur-X extension schema; an sRGB output intent; an Info dictionary that says what the
//! XMP says; a trailer ID derived from the content.
//!
//! Pure: no I/O. PDF/A conformance cannot be validated on our machines (no veraPDF); the tests
//! check the structure with qpdf, poppler and the `factur-x` tools instead.

use std::io::Write as _;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use sha2::{Digest, Sha256};

use crate::render::facturx::esc;

/// sRGB IEC 61966-2.1 (Debian `icc-profiles-free`, zlib licence: `assets/icc/LICENSE-sRGB.txt`).
static SRGB_ICC: &[u8] = include_bytes!("../../assets/icc/sRGB.icc");

/// The profile, zlib-compressed once per process (every Factur-X invoice carries it).
fn srgb_icc_deflated() -> &'static [u8] {
    static PACKED: OnceLock<Vec<u8>> = OnceLock::new();
    PACKED.get_or_init(|| {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        // Writing into a Vec cannot fail; an empty result would only make the profile unreadable,
        // which the tests would see.
        let _ = encoder.write_all(SRGB_ICC);
        encoder.finish().unwrap_or_default()
    })
}

/// The name Factur-X readers look for.
pub const XML_FILE_NAME: &str = "factur-x.xml";

/// What the Factur-X PDF carries besides the page: the XML and the document's metadata.
#[derive(Debug, Clone)]
pub struct FacturX<'a> {
    pub xml: &'a str,
    /// Document title (Info `/Title`, XMP `dc:title`): e.g. "Facture 2026-0001".
    pub title: &'a str,
    /// The issuer (Info `/Author`, XMP `dc:creator`).
    pub author: &'a str,
    pub created: DateTime<Utc>,
}

const PRODUCER: &str = "CreatorPilot";

fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::String(text.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn pdf_date(at: DateTime<Utc>) -> Object {
    Object::String(
        at.format("D:%Y%m%d%H%M%S+00'00'").to_string().into_bytes(),
        StringFormat::Literal,
    )
}

/// The XMP packet: PDF/A identification, the Dublin Core / PDF / XMP basics that mirror the Info
/// dictionary, and the Factur-X properties with their PDF/A extension schema description.
fn xmp(fx: &FacturX<'_>) -> String {
    let date = fx.created.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    let title = esc(fx.title);
    let author = esc(fx.author);
    let property = |name: &str, description: &str| {
        format!(
            "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>\n"
        )
    };
    let properties = [
        property("DocumentFileName", "name of the embedded XML invoice file"),
        property("DocumentType", "INVOICE"),
        property("Version", "The actual version of the Factur-X XML schema"),
        property(
            "ConformanceLevel",
            "The conformance level of the embedded Factur-X data",
        ),
    ]
    .concat();
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\
<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
<dc:format>application/pdf</dc:format>\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator></rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\
<pdf:Producer>{PRODUCER}</pdf:Producer></rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\
<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool><xmp:CreateDate>{date}</xmp:CreateDate>\
<xmp:ModifyDate>{date}</xmp:ModifyDate><xmp:MetadataDate>{date}</xmp:MetadataDate></rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>fx</pdfaSchema:prefix>\n<pdfaSchema:property><rdf:Seq>\n{properties}</rdf:Seq></pdfaSchema:property>\
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:fx=\"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#\">\
<fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>{XML_FILE_NAME}</fx:DocumentFileName>\
<fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>\n\
</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"
    )
}

/// Rewrites `doc` (as printpdf produced it, streams not yet compressed) into a Factur-X PDF/A-3b.
pub fn make_facturx(doc: &mut Document, fx: &FacturX<'_>) -> Result<(), lopdf::Error> {
    doc.version = "1.7".into();
    // PDF/A: a comment of at least four bytes above 127 right after the header (lopdf's default
    // already is; kept explicit because the standard depends on it).
    doc.binary_mark = vec![0xE2, 0xE3, 0xCF, 0xD3];

    // The XML, as an embedded file stream (compressed later with the others).
    let xml = fx.xml.as_bytes();
    let mut params = Dictionary::new();
    params.set("ModDate", pdf_date(fx.created));
    params.set(
        "Size",
        Object::Integer(i64::try_from(xml.len()).unwrap_or(i64::MAX)),
    );
    let mut ef_dict = Dictionary::new();
    ef_dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    ef_dict.set("Subtype", Object::Name(b"text/xml".to_vec()));
    ef_dict.set("Params", Object::Dictionary(params));
    let ef_id = doc.add_object(Stream::new(ef_dict, xml.to_vec()));

    let mut ef = Dictionary::new();
    ef.set("F", Object::Reference(ef_id));
    ef.set("UF", Object::Reference(ef_id));
    let mut filespec = Dictionary::new();
    filespec.set("Type", Object::Name(b"Filespec".to_vec()));
    filespec.set("F", text_string(XML_FILE_NAME));
    filespec.set("UF", text_string(XML_FILE_NAME));
    filespec.set("Desc", text_string("Factur-X invoice"));
    filespec.set("AFRelationship", Object::Name(b"Data".to_vec()));
    filespec.set("EF", Object::Dictionary(ef));
    let filespec_id = doc.add_object(filespec);

    // XMP: never compressed, so that a reader that does not inflate streams still finds it.
    let mut xmp_dict = Dictionary::new();
    xmp_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    xmp_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let xmp_id =
        doc.add_object(Stream::new(xmp_dict, xmp(fx).into_bytes()).with_compression(false));

    let mut icc_dict = Dictionary::new();
    icc_dict.set("N", Object::Integer(3));
    icc_dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let icc_id = doc.add_object(Stream::new(icc_dict, srgb_icc_deflated().to_vec()));
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set(
        "OutputConditionIdentifier",
        text_string("sRGB IEC61966-2.1"),
    );
    intent.set("Info", text_string("sRGB IEC61966-2.1"));
    intent.set("RegistryName", text_string("http://www.color.org"));
    intent.set("DestOutputProfile", Object::Reference(icc_id));

    let catalog = doc.catalog_mut()?;
    catalog.set("Metadata", Object::Reference(xmp_id));
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Dictionary(intent)]),
    );
    catalog.set("AF", Object::Array(vec![Object::Reference(filespec_id)]));
    let mut embedded = Dictionary::new();
    embedded.set(
        "Names",
        Object::Array(vec![
            text_string(XML_FILE_NAME),
            Object::Reference(filespec_id),
        ]),
    );
    let mut names = Dictionary::new();
    names.set("EmbeddedFiles", Object::Dictionary(embedded));
    catalog.set("Names", Object::Dictionary(names));
    catalog.set("PageMode", Object::Name(b"UseAttachments".to_vec()));

    // Info: exactly the entries the XMP mirrors.
    let mut info = Dictionary::new();
    info.set("Title", text_string(fx.title));
    info.set("Author", text_string(fx.author));
    info.set("Creator", text_string(PRODUCER));
    info.set("Producer", text_string(PRODUCER));
    info.set("CreationDate", pdf_date(fx.created));
    info.set("ModDate", pdf_date(fx.created));
    let info_id = doc.add_object(info);
    if let Ok(Object::Reference(old)) = doc.trailer.get(b"Info") {
        let old = *old;
        doc.objects.remove(&old);
    }
    doc.trailer.set("Info", Object::Reference(info_id));

    // Trailer ID: the same two halves (an original document), derived from what it carries.
    let mut hash = Sha256::new();
    hash.update(fx.xml.as_bytes());
    hash.update(fx.title.as_bytes());
    hash.update(fx.created.timestamp().to_be_bytes());
    let id = hash.finalize()[..16].to_vec();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_declares_pdfa3b_and_facturx_and_mirrors_the_info() {
        let at = DateTime::from_timestamp(1_795_600_000, 0).unwrap();
        let x = xmp(&FacturX {
            xml: "<x/>",
            title: "Facture 2026-0001 <&>",
            author: "Alex Martin EI",
            created: at,
        });
        assert!(
            x.contains("<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
        );
        assert!(x.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
        assert!(x.contains("<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>"));
        assert!(x.contains("Facture 2026-0001 &lt;&amp;&gt;"));
        let date = at.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
        assert!(x.contains(&format!("<xmp:CreateDate>{date}</xmp:CreateDate>")));
    }
}
