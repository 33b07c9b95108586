// The one translation unit that compiles Asio, Asio's SSL support and Beast.
// Every other file includes their headers with *_SEPARATE_COMPILATION defined.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
