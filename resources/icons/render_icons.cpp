// Build-time tool: renders the application's SVG icon into the PNG sizes of the freedesktop hicolor
// theme, a Windows .ico and a macOS .icns, so that one hand-drawn SVG is the only source of truth.
// It goes through QImageReader and Qt's SVG plugin (libqt6svg6), the same renderer the wizard uses
// at run time, rather than adding another SVG toolchain to the build dependencies.
//
// Usage: dcr-icon-render SVG OUTDIR NAME
//   OUTDIR/hicolor/<N>x<N>/apps/NAME.png for the hicolor sizes, OUTDIR/NAME.ico, OUTDIR/NAME.icns

#include <QBuffer>
#include <QCoreApplication>
#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QMap>
#include <QSaveFile>

#include <cstdio>

namespace {

int fail(const QString& message) {
    fprintf(stderr, "dcr-icon-render: %s\n", qPrintable(message));
    return 1;
}

// A transparent or unreadable rendering would otherwise only be noticed in a desktop's menu.
bool looksDrawn(const QImage& image) {
    const QRgb centre = image.pixel(image.width() / 2, image.height() / 2);
    return qAlpha(centre) == 255 && qAlpha(image.pixel(0, 0)) < 255;
}

QByteArray pngBytes(const QImage& image) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

// ICO with PNG-compressed entries (read by Windows Vista and later): one file, every size, so the
// shell picks a sharp one for the Start menu, the taskbar and Explorer's large icons alike.
QByteArray icoFile(const QList<QPair<int, QByteArray>>& images) {
    QByteArray out;
    QDataStream stream(&out, QIODevice::WriteOnly);
    stream.setByteOrder(QDataStream::LittleEndian);
    stream << quint16(0) << quint16(1) << quint16(images.size());
    quint32 offset = 6 + 16 * images.size();
    for (const auto& [size, png] : images) {
        const quint8 side = size >= 256 ? 0 : quint8(size);  // 0 means 256 in the ICO directory
        stream << side << side << quint8(0) << quint8(0) << quint16(1) << quint16(32) << quint32(png.size()) << offset;
        offset += png.size();
    }
    for (const auto& image : images)
        out.append(image.second);
    return out;
}

// ICNS: big-endian "type, length, PNG" records, the layout iconutil produces on macOS.
QByteArray icnsFile(const QList<QPair<QByteArray, QByteArray>>& records) {
    QByteArray body;
    for (const auto& [type, png] : records) {
        QByteArray record;
        QDataStream stream(&record, QIODevice::WriteOnly);
        stream.writeRawData(type.constData(), 4);
        stream << quint32(8 + png.size());
        record.append(png);
        body.append(record);
    }
    QByteArray out;
    QDataStream stream(&out, QIODevice::WriteOnly);
    stream.writeRawData("icns", 4);
    stream << quint32(8 + body.size());
    out.append(body);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 4)
        return fail(QStringLiteral("usage: dcr-icon-render SVG OUTDIR NAME"));
    const QString svg = args.at(1);
    const QDir outDir(args.at(2));
    const QString name = args.at(3);

    QMap<int, QImage> rendered;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256, 512, 1024}) {
        QImageReader reader(svg, "svg");
        reader.setScaledSize(QSize(size, size));
        QImage image = reader.read();
        if (image.isNull())
            return fail(QStringLiteral("cannot render %1 at %2 px: %3 (is Qt's SVG image plugin installed?)")
                            .arg(svg).arg(size).arg(reader.errorString()));
        image = image.convertToFormat(QImage::Format_ARGB32);
        if (image.size() != QSize(size, size) || !looksDrawn(image))
            return fail(QStringLiteral("the %1 px rendering of %2 is empty or not square").arg(size).arg(svg));
        rendered.insert(size, image);
    }

    QString error;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256}) {
        const QString dir = QStringLiteral("hicolor/%1x%1/apps").arg(size);
        if (!outDir.mkpath(dir))
            return fail(QStringLiteral("cannot create %1").arg(outDir.filePath(dir)));
        if (!writeFile(outDir.filePath(QStringLiteral("%1/%2.png").arg(dir, name)), pngBytes(rendered.value(size)), &error))
            return fail(error);
    }

    QList<QPair<int, QByteArray>> ico;
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        ico.append({size, pngBytes(rendered.value(size))});
    if (!writeFile(outDir.filePath(name + QStringLiteral(".ico")), icoFile(ico), &error))
        return fail(error);

    const QList<QPair<QByteArray, int>> icnsTypes = {
        {"icp4", 16},  {"icp5", 32},  {"icp6", 64},   {"ic07", 128}, {"ic08", 256}, {"ic09", 512},
        {"ic10", 1024}, {"ic11", 32}, {"ic12", 64},   {"ic13", 256}, {"ic14", 512},
    };
    QList<QPair<QByteArray, QByteArray>> icns;
    for (const auto& [type, size] : icnsTypes)
        icns.append({type, pngBytes(rendered.value(size))});
    if (!writeFile(outDir.filePath(name + QStringLiteral(".icns")), icnsFile(icns), &error))
        return fail(error);
    return 0;
}
