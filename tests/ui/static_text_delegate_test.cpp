// The step lists' delegate (ui/wizard/static_text_delegate.*): it must size and draw cells as the
// style's own delegate does (wrapped, elided), only without shaping the same text again, and never
// show a text the model no longer has.
#include "wizard/static_text_delegate.h"

#include "support/wait.h"

#include <gtest/gtest.h>

#include <QHeaderView>
#include <QImage>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTreeView>

#include <memory>

namespace {

using dcr::ui::StaticTextDelegate;

const QString kLong = QStringLiteral("Created the app registration 'Kong Dev Portal DCR' and kept its id for the next steps.");

// A word-wrapped two-column list: the wizard's one-line rows (a tree view), or rows three lines
// tall (a table view) where the long text wraps and its last line is elided.
struct List {
    QStandardItemModel model{2, 2};
    std::unique_ptr<QAbstractItemView> view;

    List(QAbstractItemDelegate* delegate, bool tallRows) {
        model.setItem(0, 0, new QStandardItem(QStringLiteral("Register the app")));
        model.setItem(0, 1, new QStandardItem(kLong));
        model.setItem(1, 0, new QStandardItem(QStringLiteral("Publish")));
        model.setItem(1, 1, new QStandardItem(QStringLiteral("pending")));
        if (tallRows) {
            auto* table = new QTableView;
            table->setWordWrap(true);
            table->verticalHeader()->setDefaultSectionSize(3 * table->fontMetrics().lineSpacing() + 4);
            table->setColumnWidth(0, 140);
            table->setColumnWidth(1, 200);
            view.reset(table);
        } else {
            auto* tree = new QTreeView;
            tree->setRootIsDecorated(false);
            tree->setWordWrap(true);
            tree->header()->setStretchLastSection(false);
            view.reset(tree);
        }
        view->setModel(&model);
        view->setItemDelegate(delegate);
        delegate->setParent(view.get());
        if (auto* tree = qobject_cast<QTreeView*>(view.get())) {
            tree->setColumnWidth(0, 140);
            tree->setColumnWidth(1, 200);
        }
        view->resize(400, 260);
        view->show();
        // Column widths reach the rows through the view's own timers.
        dcr::test::waitUntil([] { return false; }, 50);
    }

    QImage picture() { return view->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32); }
    QRect cell(int row, int column) const { return view->visualRect(model.index(row, column)); }
};

// The smallest rectangle holding every pixel of `image` inside `area` that differs from the
// cell's background (its top-left corner, where no text is drawn).
QRect ink(const QImage& image, const QRect& area) {
    const QRgb background = image.pixel(area.topLeft());
    QRect found;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            if (image.pixel(x, y) != background)
                found |= QRect(x, y, 1, 1);
    return found;
}

class StaticTextDelegateTest : public ::testing::TestWithParam<bool> {};

TEST_P(StaticTextDelegateTest, SizesAndDrawsCellsAsTheStylesDelegateDoes) {
    List stock(new QStyledItemDelegate, GetParam());
    List cached(new StaticTextDelegate, GetParam());
    const QImage expected = stock.picture();
    const QImage actual = cached.picture();
    for (int row = 0; row < 2; ++row) {
        for (int column = 0; column < 2; ++column) {
            ASSERT_EQ(cached.cell(row, column), stock.cell(row, column)) << row << ',' << column;
            const QRect want = ink(expected, stock.cell(row, column));
            const QRect got = ink(actual, cached.cell(row, column));
            ASSERT_FALSE(want.isEmpty());
            ASSERT_FALSE(got.isEmpty()) << "nothing drawn in " << row << ',' << column;
            // Same lines, same elision: glyphs may be placed a pixel or two apart by the two
            // text paths, not a word or a line.
            EXPECT_LE(std::abs(got.left() - want.left()), 2) << row << ',' << column;
            EXPECT_LE(std::abs(got.top() - want.top()), 3) << row << ',' << column;
            EXPECT_LE(std::abs(got.right() - want.right()), 3) << row << ',' << column;
            EXPECT_LE(std::abs(got.bottom() - want.bottom()), 3) << row << ',' << column;
        }
    }
    const QRect longText = ink(actual, cached.cell(0, 1));
    if (GetParam())
        EXPECT_GT(longText.height(), 2 * cached.view->fontMetrics().height()) << "the long text was not wrapped";
    else
        EXPECT_LT(longText.height(), cached.view->fontMetrics().lineSpacing() + 2) << "a one-line row shows one line";
}

TEST_P(StaticTextDelegateTest, ShowsTheModelsCurrentTextAndSelection) {
    List cached(new StaticTextDelegate, GetParam());
    const QImage before = cached.picture();
    cached.model.item(1, 1)->setText(QStringLiteral("running for a while now"));
    const QImage changed = cached.picture();
    EXPECT_NE(before.copy(cached.cell(1, 1)), changed.copy(cached.cell(1, 1)));

    List fresh(new StaticTextDelegate, GetParam());
    fresh.model.item(1, 1)->setText(QStringLiteral("running for a while now"));
    EXPECT_EQ(fresh.picture().copy(fresh.cell(1, 1)), changed.copy(cached.cell(1, 1)));

    // A selected cell's text is in the palette's highlighted-text colour.
    cached.view->setSelectionMode(QAbstractItemView::SingleSelection);
    cached.view->setSelectionBehavior(QAbstractItemView::SelectRows);
    cached.view->selectionModel()->select(cached.model.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QImage selected = cached.picture();
    const QColor text = cached.view->palette().color(QPalette::Active, QPalette::HighlightedText);
    const QRect area = cached.cell(1, 1);
    int closest = 255 * 3;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor pixel = selected.pixelColor(x, y);
            closest = std::min(closest, std::abs(pixel.red() - text.red()) + std::abs(pixel.green() - text.green()) +
                                            std::abs(pixel.blue() - text.blue()));
        }
    EXPECT_LE(closest, 30);
}

INSTANTIATE_TEST_SUITE_P(Rows, StaticTextDelegateTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& row) { return row.param ? "ThreeLinesTall" : "OneLineTall"; });

}  // namespace
