import * as data from './data.js';

/**
 * The verified answer to BENCH_QUERY, built straight from the data, without GraphQL: what every
 * gateway of the race must return, byte for byte (compact JSON, fields in the query's order).
 */
const product = (p: data.Product) => ({
  inStock: data.inStock[p.upc] ?? null,
  name: p.name,
  price: p.price,
  shippingEstimate: data.shippingEstimate(p.price, p.weight),
  upc: p.upc,
  weight: p.weight,
});
const review = (r: data.Review) => ({ id: r.id, body: r.body });
const productOf = (r: data.Review) => data.products.find((p) => p.upc === r.upc)!;
const reviewsOf = (p: data.Product) => data.reviews.filter((r) => r.upc === p.upc);

/** Every review's author: user 1, username as the reviews subgraph provides it, name from accounts. */
function author() {
  const user = data.users.find((u) => u.id === data.REVIEW_AUTHOR_ID)!;
  return {
    id: user.id,
    username: data.REVIEW_AUTHOR_USERNAME,
    name: user.name,
    reviews: data.authoredReviews().map((r) => ({ ...review(r), product: product(productOf(r)) })),
  };
}

export function expectedBenchResult() {
  return {
    data: {
      users: data.users.map((u) => ({
        id: u.id,
        username: u.username,
        name: u.name,
        reviews: data.authoredReviews().map((r) => ({
          ...review(r),
          product: { ...product(productOf(r)), reviews: reviewsOf(productOf(r)).map((pr) => ({ ...review(pr), author: author() })) },
        })),
      })),
      topProducts: data.products.slice(0, 5).map((p) => ({
        ...product(p),
        reviews: reviewsOf(p).map((r) => ({ ...review(r), author: author() })),
      })),
    },
  };
}

/** The verified body, compact JSON. */
export const expectedBenchBody = (): string => JSON.stringify(expectedBenchResult());
