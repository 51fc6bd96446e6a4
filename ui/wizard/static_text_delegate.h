#pragma once

#include <QHash>
#include <QSize>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace dcr::ui {

// Draws plain-text cells as the style would, but shapes each text once. A stock delegate lays out
// and shapes a cell's text at every paint and every size query, and the step lists repaint a row
// at each tick of a running step: that shaping was the largest part of the GUI thread's work
// during a setup (tests/perf/apply_watchdog). What a cell shows (wrapped, elided) is kept, with
// its size hint, for as long as the text, the cell's size and the font stay the same. Only for
// models that give plain text (no icons, no check boxes).
class StaticTextDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    const QStaticText& laidOut(const QString& text, const QSize& area, const QStyleOptionViewItem& option) const;

    // Bounded: the step lists have a few dozen cells, whose texts change a handful of times.
    static constexpr int kMaxCached = 512;
    mutable QHash<QString, QStaticText> m_texts;
    mutable QHash<QString, QSize> m_sizes;
};

}  // namespace dcr::ui
