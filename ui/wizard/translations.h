#pragma once

#include <QLocale>

class QCoreApplication;

namespace dcr::ui {

// Installs the wizard's own translation for `locale` (English and Japanese are built in, under
// :/i18n) and Qt's for its standard buttons and dialogs (qtbase_<lang>.qm from Qt's translations
// directory, Debian's qt6-translations-l10n; without it those few texts stay English). The
// translators are children of `app`. Returns the language of the wizard's texts, "en" when
// `locale` asks for a language it does not have.
QString installTranslations(QCoreApplication& app, const QLocale& locale = QLocale::system());

}  // namespace dcr::ui
