#define BOOST_TEST_MODULE essim_core
#include <boost/test/unit_test.hpp>
