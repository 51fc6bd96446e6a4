#include "wizard/static_text_delegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QTextLayout>
#include <QTextOption>

namespace dcr::ui {

namespace {

QStyle* styleOf(const QStyleOptionViewItem& option) { return option.widget ? option.widget->style() : QApplication::style(); }

// Where the style's item drawing puts the text: inside the text rectangle, less the focus margin.
int textMargin(const QStyleOptionViewItem& option) {
    return styleOf(option)->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, option.widget) + 1;
}

QString cacheKey(const QString& text, const QSize& area, const QStyleOptionViewItem& option) {
    return QStringLiteral("%1x%2|%3|%4|%5|%6|%7")
        .arg(area.width())
        .arg(area.height())
        .arg(int(option.displayAlignment))
        .arg(int(option.direction))
        .arg(int(option.textElideMode))
        .arg(bool(option.features & QStyleOptionViewItem::WrapText))
        .arg(option.font.key())
        + QLatin1Char('|') + text;
}

// What the style shows of `text` in `area`: with word wrap, the lines that fit; the last shown
// line elided when more text follows, as a cell that is too small shows it.
QString visibleText(const QString& text, const QSize& area, const QStyleOptionViewItem& option) {
    const QFontMetrics metrics(option.font);
    if (!(option.features & QStyleOptionViewItem::WrapText))
        return metrics.elidedText(text, option.textElideMode, area.width());
    QTextLayout layout(text, option.font);
    QTextOption wrapping;
    wrapping.setWrapMode(QTextOption::WordWrap);
    layout.setTextOption(wrapping);
    layout.beginLayout();
    QStringList lines;
    int height = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(area.width());
        const bool nextFits = height + 2 * metrics.lineSpacing() <= area.height();
        const bool moreFollows = line.textStart() + line.textLength() < text.size();
        if (!nextFits && moreFollows) {
            lines << metrics.elidedText(text.mid(line.textStart()), option.textElideMode, area.width());
            break;
        }
        lines << text.mid(line.textStart(), line.textLength()).trimmed();
        height += metrics.lineSpacing();
    }
    layout.endLayout();
    return lines.join(QChar::LineSeparator);
}

template <typename T>
void keepBounded(QHash<QString, T>& cache, int limit) {
    if (cache.size() >= limit)
        cache.clear();
}

}  // namespace

const QStaticText& StaticTextDelegate::laidOut(const QString& text, const QSize& area, const QStyleOptionViewItem& option) const {
    const QString key = cacheKey(text, area, option);
    if (const auto found = m_texts.constFind(key); found != m_texts.cend())
        return *found;
    keepBounded(m_texts, kMaxCached);
    QStaticText laid(visibleText(text, area, option));
    laid.setTextFormat(Qt::PlainText);
    QTextOption layoutOption(QStyle::visualAlignment(option.direction, option.displayAlignment));
    layoutOption.setTextDirection(option.direction);
    layoutOption.setWrapMode(QTextOption::ManualWrap);
    laid.setTextOption(layoutOption);
    laid.prepare(QTransform(), option.font);
    return *m_texts.insert(key, laid);
}

void StaticTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem item = option;
    initStyleOption(&item, index);
    const QString text = item.text;
    // The style draws the cell without its text (background, selection, focus), which is cheap.
    item.text.clear();
    QStyle* style = styleOf(item);
    style->drawControl(QStyle::CE_ItemViewItem, &item, painter, item.widget);
    if (text.isEmpty())
        return;
    const int margin = textMargin(item);
    const QRect area = style->subElementRect(QStyle::SE_ItemViewItemText, &item, item.widget).adjusted(margin, 0, -margin, 0);
    if (area.width() <= 0 || area.height() <= 0)
        return;
    const QStaticText& laid = laidOut(text, area.size(), item);
    const QRect placed = QStyle::alignedRect(item.direction, item.displayAlignment, laid.size().toSize(), area);
    QPalette::ColorGroup group = item.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    if (group == QPalette::Normal && !(item.state & QStyle::State_Active))
        group = QPalette::Inactive;
    painter->save();
    painter->setClipRect(area, Qt::IntersectClip);
    painter->setFont(item.font);
    painter->setPen(item.palette.color(group, item.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawStaticText(placed.topLeft(), laid);
    painter->restore();
}

QSize StaticTextDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem item = option;
    initStyleOption(&item, index);
    const QString key = cacheKey(item.text, item.rect.size(), item);
    if (const auto found = m_sizes.constFind(key); found != m_sizes.cend())
        return *found;
    keepBounded(m_sizes, kMaxCached);
    return *m_sizes.insert(key, QStyledItemDelegate::sizeHint(option, index));
}

}  // namespace dcr::ui
