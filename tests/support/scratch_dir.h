// A temporary folder for one test object, with paths in it as std::string (the readers under
// test take std::string paths). Removed with the object.
#pragma once

#include <QDir>
#include <QString>
#include <QTemporaryDir>

#include <string>

namespace footfall::test {

class ScratchDir {
public:
    bool isValid() const { return m_dir.isValid(); }
    std::string file(const std::string& name) const {
        return QDir(m_dir.path()).filePath(QString::fromStdString(name)).toStdString();
    }

private:
    QTemporaryDir m_dir;
};

} // namespace footfall::test
