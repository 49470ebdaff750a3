#define BOOST_TEST_MODULE essim_io
#include <boost/test/unit_test.hpp>
